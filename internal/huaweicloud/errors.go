package huaweicloud

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
)

// Error is an APIG error answer, or a client-side failure with a Client* code. Message is
// sanitized: it never carries key material.
type Error struct {
	// Code is APIG's error_code, such as APIG.3020, or a Client* code.
	Code string
	// Message is APIG's error_msg, sanitized.
	Message string
	// HTTPStatus is the answer's status code; 0 for client-side failures.
	HTTPStatus int
	// RequestID is APIG's X-Request-Id.
	RequestID string
	cause     error
}

func (e *Error) Error() string {
	s := "huaweicloud: " + e.Code
	if e.HTTPStatus != 0 {
		s += " (HTTP " + http.StatusText(e.HTTPStatus) + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func (e *Error) Unwrap() error { return e.cause }

// Details returns the error_code and request ID, for events and logs.
func (e *Error) Details() (code, requestID string) { return e.Code, e.RequestID }

// DetailNames are what APIG calls the code and the request ID.
func (e *Error) DetailNames() (code, requestID string) { return "error_code", "request ID" }

// Error codes. The APIG.* codes with a page in the reference (docs/tencent-api-notes.md §7) are 2012, 1002,
// 1005, 3020 and 9999; 3001 and 3030 are the group and instance codes of the other APIG v2
// pages. APIGW.* codes come from the gateway in front of the API, which checks the AK/SK
// signature and throttles. Client* codes are this package's own.
const (
	CodeInvalidParameter   = "APIG.2012"
	CodeInvalidToken       = "APIG.1002"
	CodeNoPermission       = "APIG.1005"
	CodeGroupNotFound      = "APIG.3001"
	CodeDomainNotFound     = "APIG.3020"
	CodeInstanceNotFound   = "APIG.3030"
	CodeSystemError        = "APIG.9999"
	CodeGatewayAuthFailed  = "APIGW.0301"
	CodeGatewayThrottled   = "APIGW.0308"
	CodeClientConnection   = "ClientConnection"
	CodeClientCredential   = "ClientCredential"
	CodeClientBadResponse  = "ClientBadResponse"
	CodeClientInvalidInput = "ClientInvalidInput"
)

// Class says how a caller reacts to an error.
type Class int

const (
	// ClassTransient: throttling, 5xx, network; retry with backoff.
	ClassTransient Class = iota
	// ClassWaiting: the resource is busy; check again later.
	ClassWaiting
	// ClassTerminal: the request, the credentials or the named resources are wrong; retrying
	// cannot help until something changes.
	ClassTerminal
)

// Classification is what Classify decides about an error.
type Classification struct {
	Class Class
	// NotFound is true when the instance, group, domain or certificate does not exist.
	NotFound bool
	// Credentials is true when the credentials were rejected or lack permission.
	Credentials bool
}

// codes classifies every code this package knows. Unknown codes fall back to their HTTP status.
var codes = map[string]Classification{
	CodeInvalidParameter:   {Class: ClassTerminal},
	CodeInvalidToken:       {Class: ClassTerminal, Credentials: true},
	CodeNoPermission:       {Class: ClassTerminal, Credentials: true},
	CodeGroupNotFound:      {Class: ClassTerminal, NotFound: true},
	CodeDomainNotFound:     {Class: ClassTerminal, NotFound: true},
	CodeInstanceNotFound:   {Class: ClassTerminal, NotFound: true},
	CodeSystemError:        {Class: ClassTransient},
	CodeGatewayAuthFailed:  {Class: ClassTerminal, Credentials: true},
	CodeGatewayThrottled:   {Class: ClassTransient},
	CodeClientConnection:   {Class: ClassTransient},
	CodeClientCredential:   {Class: ClassTerminal, Credentials: true},
	CodeClientBadResponse:  {Class: ClassTransient},
	CodeClientInvalidInput: {Class: ClassTerminal},
}

// Classify is the one place that reads APIG error codes. Errors that are not *Error (a
// cancelled context, say) are transient.
func Classify(err error) Classification {
	var e *Error
	if !errors.As(err, &e) {
		return Classification{Class: ClassTransient}
	}
	if c, ok := codes[e.Code]; ok {
		return c
	}
	switch s := e.HTTPStatus; {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return Classification{Class: ClassTerminal, Credentials: true}
	case s == http.StatusNotFound:
		return Classification{Class: ClassTerminal, NotFound: true}
	case s == http.StatusConflict || s == http.StatusLocked:
		return Classification{Class: ClassWaiting}
	case s == http.StatusTooManyRequests || s >= 500 || s == 0:
		return Classification{Class: ClassTransient}
	}
	return Classification{Class: ClassTerminal}
}

// IsNotFound reports whether err says the named resource does not exist.
func IsNotFound(err error) bool { return err != nil && Classify(err).NotFound }

// Code returns the error code of err, or "".
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

var pemBlock = regexp.MustCompile(`(?s)-----BEGIN [^-]*-----.*?(-----END [^-]*-----|$)`)

// maxMessage bounds messages copied into errors, conditions and events.
const maxMessage = 300

// sanitize drops PEM blocks and any secret from a service message and bounds its length, so
// that an echoing server cannot leak key material into status or logs.
func sanitize(msg string, secrets ...string) string {
	msg = pemBlock.ReplaceAllString(msg, "[PEM removed]")
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, redacted)
		}
	}
	if len(msg) > maxMessage {
		msg = msg[:maxMessage] + "..."
	}
	return strings.TrimSpace(msg)
}
