package tencentcloud

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// Class tells a reconciler how to react to an error.
type Class string

// Error classes.
const (
	// ClassTerminal: the spec, credentials or permissions are wrong. Stall
	// and wait for a change; do not hot-loop.
	ClassTerminal Class = "Terminal"
	// ClassTransient: 5xx, network, timeouts, internal errors. Return the
	// error and let the workqueue back off.
	ClassTransient Class = "Transient"
	// ClassThrottled: the service's rate limit was hit even after the
	// client's own retries. Back off.
	ClassThrottled Class = "Throttled"
	// ClassWaiting: something in progress must finish first (a running
	// deploy task). Requeue after a delay.
	ClassWaiting Class = "Waiting"
	// ClassNotFound: the certificate, record or task does not exist.
	ClassNotFound Class = "NotFound"
	// ClassAlreadyExists: the certificate already exists.
	ClassAlreadyExists Class = "AlreadyExists"
)

// Codes the operator checks by name.
const (
	CodeCertificateNotFound            = "FailedOperation.CertificateNotFound"
	CodeCertificateExists              = "FailedOperation.CertificateExists"
	CodeCertificateDeployPending       = "FailedOperation.CertificateDeployHasPendingRecord"
	CodeCertificateDeployNotExist      = "FailedOperation.CertificateDeployNotExist"
	CodeRateLimitExceeded              = "LimitExceeded.RateLimitExceeded"
	CodeInvalidParameterRegionNotEmpty = "InvalidParameter.RegionNotEmpty"
)

// Codes produced by the client itself rather than the service.
const (
	// CodeClientNetwork: the request did not get a response.
	CodeClientNetwork = "ClientError.NetworkError"
	// CodeClientHTTPStatus: the endpoint answered with a non-200 status
	// and no API error envelope.
	CodeClientHTTPStatus = "ClientError.HttpStatusCodeError"
	// CodeClientParse: the response body could not be decoded.
	CodeClientParse = "ClientError.ParseJsonError"
	// CodeClientCredential: no usable credentials.
	CodeClientCredential = "ClientError.CredentialError"
	// CodeClientTimeout: the context deadline or the HTTP timeout expired.
	CodeClientTimeout = "ClientError.Timeout"
	// CodeClientCanceled: the context was canceled.
	CodeClientCanceled = "ClientError.Canceled"
	// CodeClientInvalidRequest: the request could not be built or encoded.
	CodeClientInvalidRequest = "ClientError.InvalidRequest"
	// CodeClientUnknown: any other client-side failure.
	CodeClientUnknown = "ClientError"
)

// Error is a failed call. Its Error string carries the action, code,
// sanitized message and RequestId, never credentials or key material.
type Error struct {
	// Action is the API action, e.g. UploadCertificate.
	Action string
	// Code is the service's error code or one of the ClientError codes.
	Code string
	// Message is the sanitized message. Do not branch on it; the service
	// may change it.
	Message string
	// RequestID is the service's RequestId; empty when the request never
	// reached the service.
	RequestID string
	// HTTPStatus is set when the endpoint answered with a non-200 status.
	HTTPStatus int

	cause error
}

// Error formats the error; the message is sanitized again in case the
// value was built by hand.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("tencentcloud")
	if e.Action != "" {
		b.WriteString(" ")
		b.WriteString(e.Action)
	}
	b.WriteString(": ")
	b.WriteString(e.Code)
	if msg := sanitize(e.Message); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.RequestID != "" {
		b.WriteString(" (RequestId ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the underlying transport or context error, if any, so
// errors.Is(err, context.DeadlineExceeded) works.
func (e *Error) Unwrap() error { return e.cause }

// Details returns the code and RequestId, for events and logs.
func (e *Error) Details() (code, requestID string) { return e.Code, e.RequestID }

// DetailNames are what Tencent Cloud calls the code and the request ID.
func (e *Error) DetailNames() (code, requestID string) { return "code", "RequestId" }

// Classify maps an error to the class a reconciler acts on. It is the one
// place that interprets Tencent error codes. Classify(nil) is "".
func Classify(err error) Class {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return classifyCode(e.Code, e.HTTPStatus)
	}
	var sdkErr *tcerr.TencentCloudSDKError
	if errors.As(err, &sdkErr) {
		return classifyCode(sdkErr.Code, 0)
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), errors.As(err, &netErr):
		return ClassTransient
	}
	// Unknown failures are retried with backoff rather than stalled: a
	// stalled object never recovers on its own.
	return ClassTransient
}

// Code returns the error code of err, or "" if it carries none.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var sdkErr *tcerr.TencentCloudSDKError
	if errors.As(err, &sdkErr) {
		return sdkErr.Code
	}
	return ""
}

// IsNotFound reports whether err means the object does not exist.
func IsNotFound(err error) bool { return Classify(err) == ClassNotFound }

// IsAlreadyExists reports whether err means the certificate already exists.
func IsAlreadyExists(err error) bool { return Classify(err) == ClassAlreadyExists }

// IsCredentialsError reports an error about the caller's identity or permissions: the key
// pair, the token, the CAM policy or a missing service role.
func IsCredentialsError(err error) bool {
	code := Code(err)
	switch {
	case strings.HasPrefix(code, "AuthFailure"), strings.HasPrefix(code, "UnauthorizedOperation"),
		code == CodeClientCredential:
		return true
	}
	switch code {
	case "FailedOperation.AuthError", "FailedOperation.CAMAuthorizedFail", "FailedOperation.NoProjectPermission",
		"FailedOperation.RoleNotFoundAuthorization":
		return true
	}
	return false
}

// IsNothingToUpdate reports UpdateCertificateInstance's answer that no resource of the requested
// types and regions uses the old certificate.
func IsNothingToUpdate(err error) bool {
	return Code(err) == "FailedOperation.CertificateDeployInstanceEmpty"
}

// IsStillBound reports DeleteCertificate's refusal because cloud resources use the certificate.
func IsStillBound(err error) bool {
	switch Code(err) {
	case "FailedOperation.BoundResources", "FailedOperation.DeleteResourceFailed":
		return true
	}
	return false
}

func classifyCode(code string, httpStatus int) Class {
	if code == CodeClientHTTPStatus {
		switch {
		case httpStatus == http.StatusTooManyRequests:
			return ClassThrottled
		case httpStatus == http.StatusRequestTimeout, httpStatus >= 500, httpStatus == 0:
			return ClassTransient
		default:
			// A 4xx without an API envelope means the endpoint is wrong.
			return ClassTerminal
		}
	}
	if c, ok := codeClasses[code]; ok {
		return c
	}
	return classifyUnknownCode(code)
}

// classifyUnknownCode handles codes the reference does not list, by the
// public families their prefixes name.
func classifyUnknownCode(code string) Class {
	lower := strings.ToLower(code)
	switch {
	case strings.HasPrefix(code, "RequestLimitExceeded"),
		strings.Contains(lower, "ratelimit"), strings.Contains(lower, "throttl"):
		return ClassThrottled
	case strings.HasPrefix(code, "ResourceNotFound"), strings.HasSuffix(code, "NotFound"), strings.HasSuffix(code, "NotExist"):
		return ClassNotFound
	case strings.HasSuffix(code, "Exists"):
		return ClassAlreadyExists
	case strings.HasSuffix(code, "HasPendingRecord"), strings.HasPrefix(code, "ResourceInUse"):
		return ClassWaiting
	case strings.HasPrefix(code, "AuthFailure"),
		strings.HasPrefix(code, "UnauthorizedOperation"),
		strings.HasPrefix(code, "InvalidParameter"),
		strings.HasPrefix(code, "MissingParameter"),
		strings.HasPrefix(code, "UnknownParameter"),
		strings.HasPrefix(code, "Unsupported"),
		strings.HasPrefix(code, "InvalidAction"),
		strings.HasPrefix(code, "LimitExceeded"):
		return ClassTerminal
	}
	// InternalError.*, FailedOperation.* and anything else: retry with
	// backoff. FailedOperation is a catch-all; stalling on it could leave a
	// recoverable object stuck.
	return ClassTransient
}

// codeClasses lists every code in the API reference (signature, public and SSL codes and
// the per-action lists) plus the client's own codes.
var codeClasses = map[string]Class{
	// Client-side.
	CodeClientNetwork:                 ClassTransient,
	CodeClientHTTPStatus:              ClassTransient,
	CodeClientParse:                   ClassTransient,
	CodeClientCredential:              ClassTerminal,
	CodeClientTimeout:                 ClassTransient,
	CodeClientCanceled:                ClassTransient,
	CodeClientInvalidRequest:          ClassTerminal,
	CodeClientUnknown:                 ClassTransient,
	"ClientError.IOError":             ClassTransient,
	"ClientError.CircuitBreakerError": ClassTransient,

	// Public codes.
	"ActionOffline":                    ClassTerminal,
	"AuthFailure.InvalidAuthorization": ClassTerminal,
	"AuthFailure.InvalidSecretId":      ClassTerminal,
	"AuthFailure.MFAFailure":           ClassTerminal,
	"AuthFailure.SecretIdNotFound":     ClassTerminal,
	// Clock skew beyond five minutes; a retry with a fresh timestamp can pass.
	"AuthFailure.SignatureExpire":       ClassTransient,
	"AuthFailure.SignatureFailure":      ClassTerminal,
	"AuthFailure.TokenFailure":          ClassTerminal,
	"AuthFailure.UnauthorizedOperation": ClassTerminal,
	"DryRunOperation":                   ClassTerminal,
	// Generic failure with no stated cause: retry with backoff.
	"FailedOperation":       ClassTransient,
	"InternalError":         ClassTransient,
	"InvalidAction":         ClassTerminal,
	"InvalidParameter":      ClassTerminal,
	"InvalidParameterValue": ClassTerminal,
	"InvalidRequest":        ClassTerminal,
	"IpInBlacklist":         ClassTerminal,
	"IpNotInWhitelist":      ClassTerminal,
	// Bare LimitExceeded is a quota, not a rate.
	"LimitExceeded":        ClassTerminal,
	"MissingParameter":     ClassTerminal,
	"NoSuchProduct":        ClassTerminal,
	"NoSuchVersion":        ClassTerminal,
	"RequestLimitExceeded": ClassThrottled,
	"RequestLimitExceeded.GlobalRegionUinLimitExceeded": ClassThrottled,
	"RequestLimitExceeded.IPLimitExceeded":              ClassThrottled,
	"RequestLimitExceeded.UinLimitExceeded":             ClassThrottled,
	"RequestSizeLimitExceeded":                          ClassTerminal,
	"ResourceInUse":                                     ClassWaiting,
	"ResourceInsufficient":                              ClassTransient,
	"ResourceNotFound":                                  ClassNotFound,
	"ResourceUnavailable":                               ClassTransient,
	"ResponseSizeLimitExceeded":                         ClassTerminal,
	"ServiceUnavailable":                                ClassTransient,
	"UnauthorizedOperation":                             ClassTerminal,
	"UnknownParameter":                                  ClassTerminal,
	"UnsupportedOperation":                              ClassTerminal,
	"UnsupportedProtocol":                               ClassTerminal,
	"UnsupportedRegion":                                 ClassTerminal,

	// SSL business codes.
	"AuthFailure":               ClassTerminal,
	"FailedOperation.AuthError": ClassTerminal,
	// Only named as an example in the reference's Error structure.
	"FailedOperation.AutoRenewCertificateTypeInvalid": ClassTerminal,
	// Resources still use the certificate; they may be moved off it.
	"FailedOperation.BoundResources":               ClassWaiting,
	"FailedOperation.CAMAuthorizedFail":            ClassTerminal,
	"FailedOperation.CancelAuditCertificateFailed": ClassTransient,
	"FailedOperation.CancelOrderFailed":            ClassTerminal,
	"FailedOperation.CannotBeDeletedIssued":        ClassTerminal,
	"FailedOperation.CannotBeDeletedWithinHour":    ClassWaiting,
	"FailedOperation.CannotGetOrder":               ClassTransient,
	"FailedOperation.CertificateCaError":           ClassTerminal,
	"FailedOperation.CertificateCancelFailedMulti": ClassTerminal,
	"FailedOperation.CertificateChainError":        ClassTerminal,
	// The record must finish first, which it will.
	"FailedOperation.CertificateDeployDetailRollbackStatusInvalid": ClassWaiting,
	CodeCertificateDeployPending:                                   ClassWaiting,
	"FailedOperation.CertificateDeployInstanceEmpty":               ClassTerminal,
	"FailedOperation.CertificateDeployInstanceFormatError":         ClassTerminal,
	CodeCertificateDeployNotExist:                                  ClassNotFound,
	// Retrying needs a failed record and rolling back a successful one;
	// asking for either in another state will not start working by itself.
	// The record's state does not allow it yet, often because the caller read it before a
	// retry or rollback it asked for took effect: read the record again.
	"FailedOperation.CertificateDeployRetryStatusInvalid":      ClassWaiting,
	"FailedOperation.CertificateDeployRollbackStatusInvalid":   ClassWaiting,
	"FailedOperation.CertificateDownloadServiceTypeNotSupport": ClassTerminal,
	"FailedOperation.CertificateEncryptInvalid":                ClassTerminal,
	CodeCertificateExists:                                      ClassAlreadyExists,
	"FailedOperation.CertificateHostDeployCanNotAllow":         ClassTerminal,
	"FailedOperation.CertificateHostResourceInnerInterrupt":    ClassTerminal,
	// Too many instances to load synchronously: the async cache fills over time.
	"FailedOperation.CertificateHostResourceInstanceHugeLimit":     ClassWaiting,
	"FailedOperation.CertificateHostResourceTypeInvalid":           ClassTerminal,
	"FailedOperation.CertificateInfoSubmitContactEmailEmpty":       ClassTerminal,
	"FailedOperation.CertificateInfoSubmitDomainInvalid":           ClassTerminal,
	"FailedOperation.CertificateInfoSubmitStatusInvalid":           ClassTerminal,
	"FailedOperation.CertificateInvalid":                           ClassTerminal,
	"FailedOperation.CertificateMatchError":                        ClassTerminal,
	"FailedOperation.CertificateMismatch":                          ClassTerminal,
	"FailedOperation.CertificateNotAllowDownload":                  ClassTerminal,
	"FailedOperation.CertificateNotAvailable":                      ClassTerminal,
	"FailedOperation.CertificateNotDeployInstance":                 ClassTerminal,
	CodeCertificateNotFound:                                        ClassNotFound,
	"FailedOperation.CertificateNotFoundOrAudited":                 ClassNotFound,
	"FailedOperation.CertificateNotFoundOrCantCancel":              ClassNotFound,
	"FailedOperation.CertificateOrderSubmitProcessing":             ClassWaiting,
	"FailedOperation.CertificateOrderSubmitRootCAInvalid":          ClassTerminal,
	"FailedOperation.CertificateParseError":                        ClassTerminal,
	"FailedOperation.CertificatePreVerifyEmailInvalid":             ClassTerminal,
	"FailedOperation.CertificateStatusNotAllowDownload":            ClassTerminal,
	"FailedOperation.CertificateStatusNotAllowResubmit":            ClassTerminal,
	"FailedOperation.CertificateStatusNotAllowVerify":              ClassTerminal,
	"FailedOperation.CertificateSubmitHostingCertError":            ClassTerminal,
	"FailedOperation.CertificateSyncTaskCertificateIdCountInvalid": ClassTerminal,
	// The bound-resource task expired or never existed; create a new one.
	"FailedOperation.CertificateSyncTaskIdInvalid":         ClassNotFound,
	"FailedOperation.CertificateTypeInfoNotFound":          ClassTerminal,
	"FailedOperation.ConfirmLetterTooLarge":                ClassTerminal,
	"FailedOperation.ConfirmLetterTooSmall":                ClassTerminal,
	"FailedOperation.DeleteFailedTimeNotUp":                ClassWaiting,
	"FailedOperation.DeleteResourceFailed":                 ClassWaiting,
	"FailedOperation.ExceedsFreeLimit":                     ClassTerminal,
	"FailedOperation.FileTooLarge":                         ClassTerminal,
	"FailedOperation.FileTooSmall":                         ClassTerminal,
	"FailedOperation.IllegalManagerStatus":                 ClassTerminal,
	"FailedOperation.InvalidCertificateSource":             ClassTerminal,
	"FailedOperation.InvalidCertificateStatusCode":         ClassTerminal,
	"FailedOperation.InvalidConfirmLetterFormat":           ClassTerminal,
	"FailedOperation.InvalidConfirmLetterFormatWosign":     ClassTerminal,
	"FailedOperation.InvalidFileType":                      ClassTerminal,
	"FailedOperation.InvalidParam":                         ClassTerminal,
	"FailedOperation.MainDomainCertificateCountLimit":      ClassTerminal,
	"FailedOperation.ManagerCanNotDeleteCa":                ClassTerminal,
	"FailedOperation.ManagerCanNotDeleteCert":              ClassTerminal,
	"FailedOperation.NetworkError":                         ClassTransient,
	"FailedOperation.NoProjectPermission":                  ClassTerminal,
	"FailedOperation.NoRealNameAuth":                       ClassTerminal,
	"FailedOperation.OrderAlreadyReplaced":                 ClassTerminal,
	"FailedOperation.OrderReplaceFailed":                   ClassTerminal,
	"FailedOperation.PackageCountLimit":                    ClassTerminal,
	"FailedOperation.PackageExpired":                       ClassTerminal,
	"FailedOperation.PackageNotFound":                      ClassTerminal,
	"FailedOperation.RenewNotIssued":                       ClassWaiting,
	"FailedOperation.RevokeFailed":                         ClassTransient,
	"FailedOperation.RevokeResourceFailed":                 ClassWaiting,
	"FailedOperation.RoleNotFoundAuthorization":            ClassTerminal,
	"FailedOperation.SystemError":                          ClassTransient,
	"FailedOperation.TradeError":                           ClassTransient,
	"FailedOperation.UploadConfirmCertificateNotSupport":   ClassTerminal,
	"FailedOperation.UploadConfirmCertificateNotSupportDV": ClassTerminal,
	"InternalError.BackendResponseEmpty":                   ClassTransient,
	"InternalError.BackendResponseError":                   ClassTransient,
	"InvalidParameter.CertificateIdNumberLimit":            ClassTerminal,
	"InvalidParameter.CertificateStatusNotAllowResubmit":   ClassTerminal,
	"InvalidParameter.CertificatesNumberExceeded":          ClassTerminal,
	"InvalidParameter.ContainsInvalidCertificateId":        ClassTerminal,
	"InvalidParameter.DomainCountInvalid":                  ClassTerminal,
	"InvalidParameter.DomainInvalid":                       ClassTerminal,
	"InvalidParameter.MissMatchPrivateKey":                 ClassTerminal,
	"InvalidParameter.PackageIdsInvalid":                   ClassTerminal,
	"InvalidParameter.PeriodInvalid":                       ClassTerminal,
	"InvalidParameter.ProductPidInvalid":                   ClassTerminal,
	CodeInvalidParameterRegionNotEmpty:                     ClassTerminal,
	"InvalidParameter.RenewAlgorithmInvalid":               ClassTerminal,
	"InvalidParameter.RenewCsrInvalid":                     ClassTerminal,
	"InvalidParameter.RenewGenCsrMethodInvalid":            ClassTerminal,
	"InvalidParameter.WithDetailReason":                    ClassTerminal,
	"InvalidParameterValue.CertificateEmailParseInvalid":   ClassTerminal,
	"InvalidParameterValue.IntermediateCertNotSame":        ClassTerminal,
	CodeRateLimitExceeded:                                  ClassThrottled,
	"ResourceNotFound.Manager":                             ClassNotFound,
}

// metricCode bounds the cardinality of the code label: listed codes are
// kept, unlisted ones collapse to a listed dotted prefix or "Other".
func metricCode(code string) string {
	if code == "" {
		return "Success"
	}
	if _, ok := codeClasses[code]; ok {
		return code
	}
	if i := strings.IndexByte(code, '.'); i > 0 {
		if _, ok := codeClasses[code[:i]]; ok {
			return code[:i]
		}
	}
	return "Other"
}

// httpStatusMessage describes a non-200 answer without its body, which may
// echo request content.
func httpStatusMessage(status int) string {
	return "HTTP status " + strconv.Itoa(status) + " " + http.StatusText(status)
}
