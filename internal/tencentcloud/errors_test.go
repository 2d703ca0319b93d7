package tencentcloud

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// referenceCodes lists every error code in the API reference (signature, public and SSL
// codes, the per-action lists and the Error structure's example) and the
// client's own codes, with the class a reconciler must see.
var referenceCodes = []struct {
	code string
	want Class
}{
	// Client-side.
	{"ClientError", ClassTransient},
	{"ClientError.NetworkError", ClassTransient},
	{"ClientError.HttpStatusCodeError", ClassTransient},
	{"ClientError.ParseJsonError", ClassTransient},
	{"ClientError.CredentialError", ClassTerminal},
	{"ClientError.Timeout", ClassTransient},
	{"ClientError.Canceled", ClassTransient},
	{"ClientError.InvalidRequest", ClassTerminal},
	{"ClientError.IOError", ClassTransient},
	{"ClientError.CircuitBreakerError", ClassTransient},

	// Public codes, including the signature codes.
	{"ActionOffline", ClassTerminal},
	{"AuthFailure.InvalidAuthorization", ClassTerminal},
	{"AuthFailure.InvalidSecretId", ClassTerminal},
	{"AuthFailure.MFAFailure", ClassTerminal},
	{"AuthFailure.SecretIdNotFound", ClassTerminal},
	{"AuthFailure.SignatureExpire", ClassTransient},
	{"AuthFailure.SignatureFailure", ClassTerminal},
	{"AuthFailure.TokenFailure", ClassTerminal},
	{"AuthFailure.UnauthorizedOperation", ClassTerminal},
	{"DryRunOperation", ClassTerminal},
	{"FailedOperation", ClassTransient},
	{"InternalError", ClassTransient},
	{"InvalidAction", ClassTerminal},
	{"InvalidParameter", ClassTerminal},
	{"InvalidParameterValue", ClassTerminal},
	{"InvalidRequest", ClassTerminal},
	{"IpInBlacklist", ClassTerminal},
	{"IpNotInWhitelist", ClassTerminal},
	{"LimitExceeded", ClassTerminal},
	{"MissingParameter", ClassTerminal},
	{"NoSuchProduct", ClassTerminal},
	{"NoSuchVersion", ClassTerminal},
	{"RequestLimitExceeded", ClassThrottled},
	{"RequestLimitExceeded.GlobalRegionUinLimitExceeded", ClassThrottled},
	{"RequestLimitExceeded.IPLimitExceeded", ClassThrottled},
	{"RequestLimitExceeded.UinLimitExceeded", ClassThrottled},
	{"RequestSizeLimitExceeded", ClassTerminal},
	{"ResourceInUse", ClassWaiting},
	{"ResourceInsufficient", ClassTransient},
	{"ResourceNotFound", ClassNotFound},
	{"ResourceUnavailable", ClassTransient},
	{"ResponseSizeLimitExceeded", ClassTerminal},
	{"ServiceUnavailable", ClassTransient},
	{"UnauthorizedOperation", ClassTerminal},
	{"UnknownParameter", ClassTerminal},
	{"UnsupportedOperation", ClassTerminal},
	{"UnsupportedProtocol", ClassTerminal},
	{"UnsupportedRegion", ClassTerminal},

	// SSL business codes.
	{"AuthFailure", ClassTerminal},
	{"FailedOperation.AuthError", ClassTerminal},
	{"FailedOperation.AutoRenewCertificateTypeInvalid", ClassTerminal},
	{"FailedOperation.BoundResources", ClassWaiting},
	{"FailedOperation.CAMAuthorizedFail", ClassTerminal},
	{"FailedOperation.CancelAuditCertificateFailed", ClassTransient},
	{"FailedOperation.CancelOrderFailed", ClassTerminal},
	{"FailedOperation.CannotBeDeletedIssued", ClassTerminal},
	{"FailedOperation.CannotBeDeletedWithinHour", ClassWaiting},
	{"FailedOperation.CannotGetOrder", ClassTransient},
	{"FailedOperation.CertificateCaError", ClassTerminal},
	{"FailedOperation.CertificateCancelFailedMulti", ClassTerminal},
	{"FailedOperation.CertificateChainError", ClassTerminal},
	{"FailedOperation.CertificateDeployDetailRollbackStatusInvalid", ClassWaiting},
	{"FailedOperation.CertificateDeployHasPendingRecord", ClassWaiting},
	{"FailedOperation.CertificateDeployInstanceEmpty", ClassTerminal},
	{"FailedOperation.CertificateDeployInstanceFormatError", ClassTerminal},
	{"FailedOperation.CertificateDeployNotExist", ClassNotFound},
	{"FailedOperation.CertificateDeployRetryStatusInvalid", ClassWaiting},
	{"FailedOperation.CertificateDeployRollbackStatusInvalid", ClassWaiting},
	{"FailedOperation.CertificateDownloadServiceTypeNotSupport", ClassTerminal},
	{"FailedOperation.CertificateEncryptInvalid", ClassTerminal},
	{"FailedOperation.CertificateExists", ClassAlreadyExists},
	{"FailedOperation.CertificateHostDeployCanNotAllow", ClassTerminal},
	{"FailedOperation.CertificateHostResourceInnerInterrupt", ClassTerminal},
	{"FailedOperation.CertificateHostResourceInstanceHugeLimit", ClassWaiting},
	{"FailedOperation.CertificateHostResourceTypeInvalid", ClassTerminal},
	{"FailedOperation.CertificateInfoSubmitContactEmailEmpty", ClassTerminal},
	{"FailedOperation.CertificateInfoSubmitDomainInvalid", ClassTerminal},
	{"FailedOperation.CertificateInfoSubmitStatusInvalid", ClassTerminal},
	{"FailedOperation.CertificateInvalid", ClassTerminal},
	{"FailedOperation.CertificateMatchError", ClassTerminal},
	{"FailedOperation.CertificateMismatch", ClassTerminal},
	{"FailedOperation.CertificateNotAllowDownload", ClassTerminal},
	{"FailedOperation.CertificateNotAvailable", ClassTerminal},
	{"FailedOperation.CertificateNotDeployInstance", ClassTerminal},
	{"FailedOperation.CertificateNotFound", ClassNotFound},
	{"FailedOperation.CertificateNotFoundOrAudited", ClassNotFound},
	{"FailedOperation.CertificateNotFoundOrCantCancel", ClassNotFound},
	{"FailedOperation.CertificateOrderSubmitProcessing", ClassWaiting},
	{"FailedOperation.CertificateOrderSubmitRootCAInvalid", ClassTerminal},
	{"FailedOperation.CertificateParseError", ClassTerminal},
	{"FailedOperation.CertificatePreVerifyEmailInvalid", ClassTerminal},
	{"FailedOperation.CertificateStatusNotAllowDownload", ClassTerminal},
	{"FailedOperation.CertificateStatusNotAllowResubmit", ClassTerminal},
	{"FailedOperation.CertificateStatusNotAllowVerify", ClassTerminal},
	{"FailedOperation.CertificateSubmitHostingCertError", ClassTerminal},
	{"FailedOperation.CertificateSyncTaskCertificateIdCountInvalid", ClassTerminal},
	{"FailedOperation.CertificateSyncTaskIdInvalid", ClassNotFound},
	{"FailedOperation.CertificateTypeInfoNotFound", ClassTerminal},
	{"FailedOperation.ConfirmLetterTooLarge", ClassTerminal},
	{"FailedOperation.ConfirmLetterTooSmall", ClassTerminal},
	{"FailedOperation.DeleteFailedTimeNotUp", ClassWaiting},
	{"FailedOperation.DeleteResourceFailed", ClassWaiting},
	{"FailedOperation.ExceedsFreeLimit", ClassTerminal},
	{"FailedOperation.FileTooLarge", ClassTerminal},
	{"FailedOperation.FileTooSmall", ClassTerminal},
	{"FailedOperation.IllegalManagerStatus", ClassTerminal},
	{"FailedOperation.InvalidCertificateSource", ClassTerminal},
	{"FailedOperation.InvalidCertificateStatusCode", ClassTerminal},
	{"FailedOperation.InvalidConfirmLetterFormat", ClassTerminal},
	{"FailedOperation.InvalidConfirmLetterFormatWosign", ClassTerminal},
	{"FailedOperation.InvalidFileType", ClassTerminal},
	{"FailedOperation.InvalidParam", ClassTerminal},
	{"FailedOperation.MainDomainCertificateCountLimit", ClassTerminal},
	{"FailedOperation.ManagerCanNotDeleteCa", ClassTerminal},
	{"FailedOperation.ManagerCanNotDeleteCert", ClassTerminal},
	{"FailedOperation.NetworkError", ClassTransient},
	{"FailedOperation.NoProjectPermission", ClassTerminal},
	{"FailedOperation.NoRealNameAuth", ClassTerminal},
	{"FailedOperation.OrderAlreadyReplaced", ClassTerminal},
	{"FailedOperation.OrderReplaceFailed", ClassTerminal},
	{"FailedOperation.PackageCountLimit", ClassTerminal},
	{"FailedOperation.PackageExpired", ClassTerminal},
	{"FailedOperation.PackageNotFound", ClassTerminal},
	{"FailedOperation.RenewNotIssued", ClassWaiting},
	{"FailedOperation.RevokeFailed", ClassTransient},
	{"FailedOperation.RevokeResourceFailed", ClassWaiting},
	{"FailedOperation.RoleNotFoundAuthorization", ClassTerminal},
	{"FailedOperation.SystemError", ClassTransient},
	{"FailedOperation.TradeError", ClassTransient},
	{"FailedOperation.UploadConfirmCertificateNotSupport", ClassTerminal},
	{"FailedOperation.UploadConfirmCertificateNotSupportDV", ClassTerminal},
	{"InternalError.BackendResponseEmpty", ClassTransient},
	{"InternalError.BackendResponseError", ClassTransient},
	{"InvalidParameter.CertificateIdNumberLimit", ClassTerminal},
	{"InvalidParameter.CertificateStatusNotAllowResubmit", ClassTerminal},
	{"InvalidParameter.CertificatesNumberExceeded", ClassTerminal},
	{"InvalidParameter.ContainsInvalidCertificateId", ClassTerminal},
	{"InvalidParameter.DomainCountInvalid", ClassTerminal},
	{"InvalidParameter.DomainInvalid", ClassTerminal},
	{"InvalidParameter.MissMatchPrivateKey", ClassTerminal},
	{"InvalidParameter.PackageIdsInvalid", ClassTerminal},
	{"InvalidParameter.PeriodInvalid", ClassTerminal},
	{"InvalidParameter.ProductPidInvalid", ClassTerminal},
	{"InvalidParameter.RegionNotEmpty", ClassTerminal},
	{"InvalidParameter.RenewAlgorithmInvalid", ClassTerminal},
	{"InvalidParameter.RenewCsrInvalid", ClassTerminal},
	{"InvalidParameter.RenewGenCsrMethodInvalid", ClassTerminal},
	{"InvalidParameter.WithDetailReason", ClassTerminal},
	{"InvalidParameterValue.CertificateEmailParseInvalid", ClassTerminal},
	{"InvalidParameterValue.IntermediateCertNotSame", ClassTerminal},
	{"LimitExceeded.RateLimitExceeded", ClassThrottled},
	{"ResourceNotFound.Manager", ClassNotFound},
}

func TestEveryReferenceCodeHasItsClass(t *testing.T) {
	for _, tc := range referenceCodes {
		t.Run(tc.code, func(t *testing.T) {
			err := &Error{Action: "UploadCertificate", Code: tc.code, RequestID: "r"}
			if got := Classify(err); got != tc.want {
				t.Errorf("Classify(%s) = %s, want %s", tc.code, got, tc.want)
			}
			wrapped := fmt.Errorf("reconcile upload: %w", err)
			if got := Classify(wrapped); got != tc.want {
				t.Errorf("Classify(wrapped %s) = %s, want %s", tc.code, got, tc.want)
			}
			sdk := tcerr.NewTencentCloudSDKError(tc.code, "m", "r")
			if got := Classify(sdk); got != tc.want {
				t.Errorf("Classify(SDK error %s) = %s, want %s", tc.code, got, tc.want)
			}
		})
	}
}

func TestTheClassTableAndTheTestTableListTheSameCodes(t *testing.T) {
	listed := map[string]bool{}
	for _, tc := range referenceCodes {
		if listed[tc.code] {
			t.Errorf("%s is listed twice in the test table", tc.code)
		}
		listed[tc.code] = true
		if _, ok := codeClasses[tc.code]; !ok {
			t.Errorf("%s is classified by the fallback only", tc.code)
		}
	}
	for code := range codeClasses {
		if !listed[code] {
			t.Errorf("%s is classified but not in the test table", code)
		}
	}
}

func TestUnlistedCodesAreClassifiedByTheirFamily(t *testing.T) {
	cases := []struct {
		name string
		code string
		want Class
	}{
		{name: "A new public throttling code is throttled", code: "RequestLimitExceeded.NewDimension", want: ClassThrottled},
		{name: "A new business throttling code is throttled", code: "LimitExceeded.SomeRateLimitExceeded", want: ClassThrottled},
		{name: "A new quota code is terminal", code: "LimitExceeded.CertificateQuota", want: ClassTerminal},
		{name: "A new missing-resource code is not found", code: "ResourceNotFound.Certificate", want: ClassNotFound},
		{name: "A new NotFound suffix is not found", code: "FailedOperation.TaskNotFound", want: ClassNotFound},
		{name: "A new NotExist suffix is not found", code: "FailedOperation.RecordNotExist", want: ClassNotFound},
		{name: "A new Exists suffix is already exists", code: "FailedOperation.AliasExists", want: ClassAlreadyExists},
		{name: "A new pending-record code is waiting", code: "FailedOperation.UpdateHasPendingRecord", want: ClassWaiting},
		{name: "A new in-use code is waiting", code: "ResourceInUse.Listener", want: ClassWaiting},
		{name: "A new auth code is terminal", code: "AuthFailure.Something", want: ClassTerminal},
		{name: "A new parameter code is terminal", code: "InvalidParameterValue.Something", want: ClassTerminal},
		{name: "A new unsupported code is terminal", code: "UnsupportedOperation.Something", want: ClassTerminal},
		{name: "A new internal code is transient", code: "InternalError.Something", want: ClassTransient},
		{name: "A new failed-operation code is transient", code: "FailedOperation.Something", want: ClassTransient},
		{name: "A code from an unknown family is transient", code: "Mystery", want: ClassTransient},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Classify(&Error{Code: tc.code}); got != tc.want {
				t.Errorf("Classify(%s) = %s, want %s", tc.code, got, tc.want)
			}
		})
	}
}

func TestErrorsWithoutACodeAreClassified(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want Class
	}{
		{name: "No error has no class", err: nil, want: ""},
		{name: "A context deadline is transient", err: context.DeadlineExceeded, want: ClassTransient},
		{name: "A wrapped cancellation is transient", err: fmt.Errorf("call: %w", context.Canceled), want: ClassTransient},
		{name: "A network error is transient", err: &net.OpError{Op: "dial", Err: errors.New("refused")}, want: ClassTransient},
		{name: "An unknown error is transient", err: errors.New("something odd"), want: ClassTransient},
		{name: "A 429 answer is throttled", err: &Error{Code: CodeClientHTTPStatus, HTTPStatus: 429}, want: ClassThrottled},
		{name: "A 503 answer is transient", err: &Error{Code: CodeClientHTTPStatus, HTTPStatus: 503}, want: ClassTransient},
		{name: "A 408 answer is transient", err: &Error{Code: CodeClientHTTPStatus, HTTPStatus: 408}, want: ClassTransient},
		{name: "A 403 answer is terminal", err: &Error{Code: CodeClientHTTPStatus, HTTPStatus: 403}, want: ClassTerminal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Classify(tc.err); got != tc.want {
				t.Errorf("Classify = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestClassHelpers(t *testing.T) {
	cases := []struct {
		name  string
		code  string
		check func(error) bool
	}{
		{name: "IsNotFound", code: CodeCertificateNotFound, check: IsNotFound},
		{name: "IsAlreadyExists", code: CodeCertificateExists, check: IsAlreadyExists},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is true for its code and false for others", func(t *testing.T) {
			if !tc.check(&Error{Code: tc.code}) {
				t.Errorf("%s(%s) = false", tc.name, tc.code)
			}
			if tc.check(&Error{Code: "InternalError"}) || tc.check(nil) {
				t.Errorf("%s is true for an unrelated error", tc.name)
			}
		})
	}
}

func TestErrorStringsCarryCodeAndRequestIDButNoKeyMaterial(t *testing.T) {
	cases := []struct {
		name       string
		err        *Error
		wantParts  []string
		wantAbsent []string
	}{
		{
			name:      "Action, code, message and RequestId are shown",
			err:       &Error{Action: "UploadCertificate", Code: CodeCertificateExists, Message: "The certificate already exists.", RequestID: "abc-123"},
			wantParts: []string{"tencentcloud UploadCertificate: FailedOperation.CertificateExists: The certificate already exists. (RequestId abc-123)"},
		},
		{
			name:       "A PEM private key in a message is removed",
			err:        &Error{Action: "UploadCertificate", Code: "FailedOperation.CertificateParseError", Message: "cannot parse " + testPEMKey + " please check"},
			wantParts:  []string{"cannot parse [REDACTED PEM]", "please check"},
			wantAbsent: []string{"PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"},
		},
		{
			name:       "A PEM block cut off by truncation is removed",
			err:        &Error{Code: "X", Message: "body: -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0"},
			wantParts:  []string{"body: [REDACTED PEM]"},
			wantAbsent: []string{"MIIEpAIBAAKCAQEA0"},
		},
		{
			name:       "A SecretKey assignment is removed",
			err:        &Error{Code: "X", Message: `SecretKey=abc123 and "TmpSecretKey":"xyz789", token: t0k`},
			wantAbsent: []string{"abc123", "xyz789", "t0k"},
		},
		{
			name:       "A key-shaped opaque run is removed",
			err:        &Error{Code: "X", Message: "signed with " + testSecretKey + " today"},
			wantParts:  []string{"signed with [REDACTED] today"},
			wantAbsent: []string{testSecretKey},
		},
		{
			name:      "Short IDs and UUIDs are kept",
			err:       &Error{Code: "X", Message: "certificate aClRkC90 in ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"},
			wantParts: []string{"certificate aClRkC90 in ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"},
		},
		{
			name:      "An error without an action reads cleanly",
			err:       &Error{Code: CodeClientCredential, Message: "no credentials"},
			wantParts: []string{"tencentcloud: ClientError.CredentialError: no credentials"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.err.Error()
			for _, p := range tc.wantParts {
				if !strings.Contains(s, p) {
					t.Errorf("%q lacks %q", s, p)
				}
			}
			for _, p := range tc.wantAbsent {
				if strings.Contains(s, p) {
					t.Errorf("%q contains %q", s, p)
				}
			}
		})
	}
}

func TestLongMessagesAreTruncated(t *testing.T) {
	msg := strings.Repeat("证书 ", 400)
	got := (&Error{Code: "X", Message: msg}).Error()
	if len(got) > maxMessageLen+64 {
		t.Errorf("error is %d bytes long", len(got))
	}
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "tencentcloud: X: 证书") {
		t.Errorf("truncated error %q", got)
	}
	if !strings.Contains(got, "证书") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("truncation split a character: %q", got)
	}
}

func TestErrorPredicates(t *testing.T) {
	cases := []struct {
		name                      string
		code                      string
		credentials, empty, bound bool
	}{
		{"a bad signature is about credentials", "AuthFailure.SignatureFailure", true, false, false},
		{"a missing service role is about credentials", "FailedOperation.RoleNotFoundAuthorization", true, false, false},
		{"a CAM denial is about credentials", "FailedOperation.CAMAuthorizedFail", true, false, false},
		{"no bound instance means nothing to update", "FailedOperation.CertificateDeployInstanceEmpty", false, true, false},
		{"bound resources refuse deletion", "FailedOperation.BoundResources", false, false, true},
		{"a failed resource deletion means still bound", "FailedOperation.DeleteResourceFailed", false, false, true},
		{"an internal error is none of these", "InternalError", false, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := &Error{Code: c.code}
			if IsCredentialsError(err) != c.credentials || IsNothingToUpdate(err) != c.empty || IsStillBound(err) != c.bound {
				t.Fatalf("credentials=%v empty=%v bound=%v", IsCredentialsError(err), IsNothingToUpdate(err), IsStillBound(err))
			}
		})
	}
}
