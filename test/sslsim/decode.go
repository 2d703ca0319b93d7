package sslsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
)

// flexInt is an integer parameter. Tencent's gateway accepts both a JSON
// number and a numeric string (the documented examples send "Limit": "10"),
// so the simulator does too.
type flexInt struct {
	Value int64
	Set   bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*f = flexInt{}
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		s = str
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New("must be an integer")
	}
	*f = flexInt{Value: v, Set: true}
	return nil
}

// MarshalJSON keeps flexInt readable when request structs are logged or persisted.
func (f flexInt) MarshalJSON() ([]byte, error) {
	if !f.Set {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatInt(f.Value, 10)), nil
}

func (f flexInt) or(def int64) int64 {
	if f.Set {
		return f.Value
	}
	return def
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// decodeParams decodes an action's JSON body into v (a pointer to a struct).
// Unlike encoding/json, parameter names are matched exactly and unknown names
// are rejected with UnknownParameter, as Tencent does. Fields tagged
// `required:"true"` must be present. Embedded structs contribute their fields.
func decodeParams(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if !json.Valid(body) {
		return errorf(CodeInvalidParameter, "The request body is not valid JSON.")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return errorf(CodeInvalidParameter, "The request body must be a JSON object.")
	}
	fields := paramFields(reflect.TypeOf(v).Elem())
	if aerr := checkObject(top, fields, ""); aerr != nil {
		return aerr
	}
	for _, f := range fields {
		if !f.required {
			continue
		}
		if raw, ok := top[f.name]; !ok || string(bytes.TrimSpace(raw)) == "null" {
			return errorf(CodeMissingParameter, "The request is missing a required parameter `%s`.", f.name)
		}
	}
	rv := reflect.ValueOf(v).Elem()
	for _, f := range fields {
		raw, ok := top[f.name]
		if !ok {
			continue
		}
		if err := json.Unmarshal(raw, rv.FieldByIndex(f.index).Addr().Interface()); err != nil {
			return errorf(CodeInvalidParameter, "The parameter `%s` has an invalid value or type.", f.name)
		}
	}
	return nil
}

// paramField is one parameter of a parameter struct.
type paramField struct {
	name     string
	index    []int
	typ      reflect.Type
	required bool
}

// paramFields lists the exported fields of struct type t by JSON name,
// flattening embedded structs.
func paramFields(t reflect.Type) []paramField {
	var out []paramField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			for _, inner := range paramFields(f.Type) {
				inner.index = append([]int{i}, inner.index...)
				out = append(out, inner)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		out = append(out, paramField{name: jsonName(f), index: []int{i}, typ: f.Type, required: f.Tag.Get("required") == "true"})
	}
	return out
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// checkObject rejects keys of obj that are not among fields, recursing
// into nested objects and arrays.
func checkObject(obj map[string]json.RawMessage, fields []paramField, path string) *apiError {
	types := map[string]reflect.Type{}
	for _, f := range fields {
		types[f.name] = f.typ
	}
	for key, raw := range obj {
		ft, ok := types[key]
		if !ok {
			return errorf(CodeUnknownParameter, "The parameter `%s` is not recognized.", path+key)
		}
		if aerr := checkValue(raw, ft, path+key); aerr != nil {
			return aerr
		}
	}
	return nil
}

func checkValue(raw json.RawMessage, t reflect.Type, path string) *apiError {
	if string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return errorf(CodeInvalidParameter, "The parameter `%s` must be an object.", path)
		}
		return checkObject(obj, paramFields(t), path+".")
	case reflect.Slice:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return errorf(CodeInvalidParameter, "The parameter `%s` must be an array.", path)
		}
		for i, item := range items {
			if aerr := checkValue(item, t.Elem(), path+"."+strconv.Itoa(i)); aerr != nil {
				return aerr
			}
		}
	}
	return nil
}
