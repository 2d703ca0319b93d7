package tencentcloud

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"
)

const maxMessageLen = 512

var (
	// pemBlock matches a PEM block, or its start up to the end of the text
	// when a message was truncated mid-block.
	pemBlock = regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*-----.*?(?:-----END [A-Z0-9 ]*-----|$)`)
	// secretAssignment matches key=value and "key":"value" forms of
	// credential-like fields.
	secretAssignment = regexp.MustCompile(`(?i)((?:tmp)?secret_?key|x-tc-token|token|signature|password|private_?key)("?\s*[:=]\s*"?)([^\s"',;&}]+)`)
	// longOpaque matches runs long enough to be a SecretKey (32 characters),
	// a signature or base64 key material; IDs the service uses are shorter.
	longOpaque = regexp.MustCompile(`[A-Za-z0-9+/=_]{32,}`)
)

// sanitize removes anything that looks like key material from a message
// and bounds its length. extra lists known secret values to remove.
// Sanitize removes anything that looks like key material from a message that came from Tencent
// Cloud, such as a deployment item's error message, before it is shown to users.
func Sanitize(msg string) string { return sanitize(msg) }

func sanitize(msg string, extra ...string) string {
	for _, s := range extra {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, redacted)
		}
	}
	msg = pemBlock.ReplaceAllString(msg, "[REDACTED PEM]")
	msg = secretAssignment.ReplaceAllString(msg, "${1}${2}"+redacted)
	msg = longOpaque.ReplaceAllString(msg, redacted)
	msg = strings.TrimSpace(msg)
	if len(msg) > maxMessageLen {
		cut := maxMessageLen
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

// redactedField is one field of a value's safe view.
type redactedField struct {
	name  string
	value any
}

// redactedView lists v's exported fields in order, replacing the named
// secret fields with a marker when they are set.
func redactedView(v any, secrets ...string) []redactedField {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	fields := make([]redactedField, 0, rt.NumField())
	for i := range rt.NumField() {
		sf := rt.Field(i)
		if !sf.IsExported() {
			continue
		}
		fv := rv.Field(i)
		var value any
		switch {
		case isSecretField(sf.Name, secrets):
			if fv.IsZero() {
				value = ""
			} else {
				value = redacted
			}
		case fv.Kind() == reflect.Pointer && fv.IsNil():
			value = nil
		case fv.Kind() == reflect.Pointer:
			value = fv.Elem().Interface()
		default:
			value = fv.Interface()
		}
		fields = append(fields, redactedField{name: sf.Name, value: value})
	}
	return fields
}

func isSecretField(name string, secrets []string) bool {
	for _, s := range secrets {
		if s == name {
			return true
		}
	}
	return false
}

// formatRedacted writes v like %+v with its secret fields redacted.
func formatRedacted(f fmt.State, v any, secrets ...string) {
	var b strings.Builder
	b.WriteString(reflect.TypeOf(v).Name())
	b.WriteByte('{')
	for i, fld := range redactedView(v, secrets...) {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s:%+v", fld.name, fld.value)
	}
	b.WriteByte('}')
	_, _ = f.Write([]byte(b.String()))
}

// logRedacted returns a map for structured loggers with secret fields redacted.
func logRedacted(v any, secrets ...string) any {
	view := redactedView(v, secrets...)
	m := make(map[string]any, len(view))
	for _, fld := range view {
		m[fld.name] = fld.value
	}
	return m
}

// Format prints the input with the private key redacted.
func (in UploadInput) Format(f fmt.State, _ rune) { formatRedacted(f, in, "PrivateKeyPEM") }

// MarshalLog keeps structured loggers from serializing the private key.
func (in UploadInput) MarshalLog() any { return logRedacted(in, "PrivateKeyPEM") }

// Format prints the request with the private key redacted.
func (r uploadCertificateRequest) Format(f fmt.State, _ rune) {
	formatRedacted(f, r, "CertificatePrivateKey")
}

// MarshalLog keeps structured loggers from serializing the private key.
func (r uploadCertificateRequest) MarshalLog() any { return logRedacted(r, "CertificatePrivateKey") }
