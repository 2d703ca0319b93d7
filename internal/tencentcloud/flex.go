package tencentcloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FlexInt is an integer that marshals as a JSON number and unmarshals from a
// number, a numeric string ("443") or null (left unchanged). The reference's
// examples send numbers as strings in many places, so every integer field
// uses it.
type FlexInt int64

// MarshalJSON encodes n as a JSON number.
func (n FlexInt) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, int64(n), 10), nil
}

// UnmarshalJSON accepts a number, a numeric string, an empty string (0) or null.
func (n *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = FlexInt(v)
		return nil
	}
	// Integral numbers written in float or exponent form (1e3, 443.0).
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt64 {
		return errors.New("tencentcloud: expected an integer or a numeric string")
	}
	*n = FlexInt(f)
	return nil
}

// Int64 returns n as an int64.
func (n FlexInt) Int64() int64 { return int64(n) }

// String formats n in base 10.
func (n FlexInt) String() string { return strconv.FormatInt(int64(n), 10) }

// FlexString is a string that marshals as a JSON string and unmarshals from a
// string, a number (its literal text), a boolean, null (left unchanged) or an
// array of strings (joined with ","). It is used for fields documented as
// String whose examples or neighbours carry other types.
type FlexString string

// UnmarshalJSON accepts a string, number, boolean, null or array of strings.
func (s *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return errors.New("tencentcloud: empty JSON value")
	}
	switch b[0] {
	case 'n':
		return nil
	case '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = FlexString(v)
	case '[':
		var v []string
		if err := json.Unmarshal(b, &v); err != nil {
			return errors.New("tencentcloud: expected a string or an array of strings")
		}
		*s = FlexString(strings.Join(v, ","))
	case 't', 'f':
		var v bool
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = FlexString(strconv.FormatBool(v))
	default:
		var v json.Number
		if err := json.Unmarshal(b, &v); err != nil {
			return errors.New("tencentcloud: expected a string or a number")
		}
		*s = FlexString(v.String())
	}
	return nil
}

// String returns s as a plain string.
func (s FlexString) String() string { return string(s) }

// StringList is a list of strings that also unmarshals from a single string
// (a one-element list) or null. It marshals as a JSON array.
type StringList []string

// UnmarshalJSON accepts an array of strings, a single string or null.
func (l *StringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		if v == "" {
			*l = nil
			return nil
		}
		*l = StringList{v}
		return nil
	}
	var v []string
	if err := json.Unmarshal(b, &v); err != nil {
		return errors.New("tencentcloud: expected an array of strings or a string")
	}
	*l = v
	return nil
}

// beijing is the fixed UTC+8 zone the service uses for its plain
// "YYYY-MM-DD HH:MM:SS" times.
var beijing = time.FixedZone("UTC+8", 8*60*60)

// ParseTime parses the two time formats the service returns: the plain
// "2006-01-02 15:04:05" form, read as UTC+8 (the reference's examples put
// detail items exactly eight hours behind their records), and the ISO form
// "2006-01-02T15:04:05.000000Z" used by deploy and update detail items.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation(time.DateTime, s, beijing); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("tencentcloud: unrecognised time %q", s)
}
