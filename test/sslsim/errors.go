package sslsim

import "fmt"

// Error codes the simulator answers, as documented for API version 2019-12-05.
const (
	CodeInvalidAuthorization = "AuthFailure.InvalidAuthorization"
	CodeInvalidSecretID      = "AuthFailure.InvalidSecretId"
	CodeSecretIDNotFound     = "AuthFailure.SecretIdNotFound"
	CodeSignatureExpire      = "AuthFailure.SignatureExpire"
	CodeSignatureFailure     = "AuthFailure.SignatureFailure"
	CodeTokenFailure         = "AuthFailure.TokenFailure"

	CodeInternalError            = "InternalError"
	CodeInvalidAction            = "InvalidAction"
	CodeInvalidParameter         = "InvalidParameter"
	CodeInvalidParameterValue    = "InvalidParameterValue"
	CodeMissingParameter         = "MissingParameter"
	CodeNoSuchVersion            = "NoSuchVersion"
	CodeRequestSizeLimitExceeded = "RequestSizeLimitExceeded"
	CodeUnknownParameter         = "UnknownParameter"
	CodeUnsupportedOperation     = "UnsupportedOperation"
	CodeUnsupportedProtocol      = "UnsupportedProtocol"
	CodeUnsupportedRegion        = "UnsupportedRegion"
	CodeFailedOperation          = "FailedOperation"

	CodeRateLimitExceeded = "LimitExceeded.RateLimitExceeded"

	CodeCertificateCaError                = "FailedOperation.CertificateCaError"
	CodeCertificateChainError             = "FailedOperation.CertificateChainError"
	CodeCertificateExists                 = "FailedOperation.CertificateExists"
	CodeCertificateMatchError             = "FailedOperation.CertificateMatchError"
	CodeCertificateNotAvailable           = "FailedOperation.CertificateNotAvailable"
	CodeCertificateNotFound               = "FailedOperation.CertificateNotFound"
	CodeCertificateParseError             = "FailedOperation.CertificateParseError"
	CodeDeleteResourceFailed              = "FailedOperation.DeleteResourceFailed"
	CodeInvalidParam                      = "FailedOperation.InvalidParam"
	CodeDeployHasPendingRecord            = "FailedOperation.CertificateDeployHasPendingRecord"
	CodeDeployInstanceEmpty               = "FailedOperation.CertificateDeployInstanceEmpty"
	CodeDeployInstanceFormatError         = "FailedOperation.CertificateDeployInstanceFormatError"
	CodeDeployNotExist                    = "FailedOperation.CertificateDeployNotExist"
	CodeDeployRetryStatusInvalid          = "FailedOperation.CertificateDeployRetryStatusInvalid"
	CodeDeployRollbackStatusInvalid       = "FailedOperation.CertificateDeployRollbackStatusInvalid"
	CodeDeployDetailRollbackStatusInvalid = "FailedOperation.CertificateDeployDetailRollbackStatusInvalid"
	CodeHostResourceTypeInvalid           = "FailedOperation.CertificateHostResourceTypeInvalid"
	CodeCertificateNotDeployInstance      = "FailedOperation.CertificateNotDeployInstance"
	CodeSyncTaskIDInvalid                 = "FailedOperation.CertificateSyncTaskIdInvalid"
	CodeSyncTaskCertificateIDCountInvalid = "FailedOperation.CertificateSyncTaskCertificateIdCountInvalid"
	CodeCertificatesNumberExceeded        = "InvalidParameter.CertificatesNumberExceeded"
	CodeCertificateIDNumberLimit          = "InvalidParameter.CertificateIdNumberLimit"
	CodeContainsInvalidCertificateID      = "InvalidParameter.ContainsInvalidCertificateId"
	CodeMissMatchPrivateKey               = "InvalidParameter.MissMatchPrivateKey"
	CodeRegionNotEmpty                    = "InvalidParameter.RegionNotEmpty"
	CodeWithDetailReason                  = "InvalidParameter.WithDetailReason"
)

// apiError is an error answered in the Tencent error envelope.
type apiError struct {
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}
