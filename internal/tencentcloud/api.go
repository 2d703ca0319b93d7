// Package tencentcloud is the operator's narrow client for the Tencent Cloud SSL Certificate
// API (version 2019-12-05). Reconcilers speak to it in domain verbs; paging, wire types and the
// service's odd encodings stay inside this package.
//
// The implementation is built on the official SDK's common client (TC3-HMAC-SHA256 signing,
// credential providers) and adds client-side rate limiting, bounded retries of throttled calls,
// one error classification function, metrics and sanitized errors.
package tencentcloud

import (
	"context"
	"errors"
	"strings"
	"time"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// Service, Version and DefaultEndpoint identify the SSL API.
const (
	Service         = "ssl"
	Version         = "2019-12-05"
	DefaultEndpoint = "ssl.tencentcloudapi.com"
)

// API is what the operator does with the SSL service. Errors from the service are *Error
// values that Classify understands.
type API interface {
	// Upload uploads a certificate chain and its private key. Unless in.Repeatable, it never
	// creates a second certificate for content already in the account: the existing ID is
	// returned, whoever uploaded it.
	Upload(ctx context.Context, in UploadInput) (Uploaded, error)
	// Tagged lists the IDs of the certificates that carry all the tags, newest first.
	Tagged(ctx context.Context, tags []Tag) ([]string, error)
	// Describe returns one certificate's details; it never returns the private key.
	Describe(ctx context.Context, certificateID string) (Certificate, error)
	// Tags returns a certificate's tags, read from the certificate list so that no private key
	// is downloaded. found is false when the certificate does not exist.
	Tags(ctx context.Context, certificateID string) (tags map[string]string, found bool, err error)
	// MuteExpiry turns off the expiry notifications of the certificates.
	MuteExpiry(ctx context.Context, certificateIDs []string) error
	// ModifyAlias sets a certificate's alias.
	ModifyAlias(ctx context.Context, certificateID, alias string) error
	// ModifyProject moves a certificate to a project.
	ModifyProject(ctx context.Context, certificateID string, projectID int64) error
	// Delete starts deleting one certificate with Tencent's check that no cloud resource is
	// bound to it (IsCheckResource), and returns the task that DeleteResult follows.
	Delete(ctx context.Context, certificateID string) (taskID string, err error)
	// DeleteResult reads the outcome of a delete task.
	DeleteResult(ctx context.Context, taskID string) (DeleteResult, error)
	// Bindings reports which certificate the instances of one resource type serve, by
	// TargetKey. Types with an instance list are read at once, in the query's region; the
	// others (Traits().ObservedByTask) go through the bound-resource query, a task: a query
	// without TaskID starts it and answers Pending with its TaskID, which later calls pass until
	// the answer is no longer Pending. It returns ErrUnobservable for types no call reports on.
	Bindings(ctx context.Context, q BindingsQuery) (Bindings, error)

	// StartDeploy creates the task that deploys a certificate to targets of one type.
	StartDeploy(ctx context.Context, in DeployInput) (Task, error)
	// StartUpdate creates the task that moves every resource bound to Old onto New.
	// Task.RecordID 0 means Tencent is still creating it: repeat the same call.
	StartUpdate(ctx context.Context, in UpdateInput) (Task, error)
	// Record reads all items of a record, every page.
	Record(ctx context.Context, ref RecordRef) (Record, error)
	// Retry retries the failed items of a finished record.
	Retry(ctx context.Context, ref RecordRef) (requestID string, err error)
	// Rollback rolls back the successful items of a finished record into a new record.
	Rollback(ctx context.Context, ref RecordRef) (Task, error)
}

// Factory builds API clients for a set of credentials. Implementations are safe for
// concurrent use.
type Factory interface {
	// For returns a client for creds; nil creds select the operator's default credential
	// chain (environment, TKE OIDC pod identity, CVM role).
	For(ctx context.Context, creds *Credentials) (API, error)
	// ForRole returns a client that assumes a CAM role.
	ForRole(ctx context.Context, role Role) (API, error)
}

// ErrUnobservable means the SSL API has no call that reports which certificate the resource
// type's instances serve.
var ErrUnobservable = errors.New("the SSL API does not report the certificates of this resource type")

// UploadInput is a certificate to upload.
type UploadInput struct {
	CertificatePEM string
	PrivateKeyPEM  string
	// Type is "SVR" or "CA".
	Type      string
	Alias     string
	ProjectID *int64
	// Tags are sent in order.
	Tags []Tag
	// Repeatable uploads a new certificate even when the account holds the same content, so
	// that each owner has a certificate of its own.
	Repeatable bool
}

// Tag is a certificate tag.
type Tag struct{ Key, Value string }

// Uploaded is the result of an upload.
type Uploaded struct {
	CertificateID string
	// Existing is true when the account already held the same content.
	Existing  bool
	RequestID string
}

// CertificateStatus is a certificate's lifecycle state.
type CertificateStatus int64

// Certificate is what the operator reads of one certificate.
type Certificate struct {
	ID     string
	Status CertificateStatus
	Domain string
	// SubjectAltNames may leave out Domain.
	SubjectAltNames     []string
	NotBefore, NotAfter *time.Time
	// CertificatePEM is the chain, when Tencent returns it.
	CertificatePEM string
	RequestID      string
}

// BindingsQuery asks which certificate the instances of one resource type serve.
type BindingsQuery struct {
	ResourceType string
	// CertificateID is the certificate of interest: the lists report every instance that could
	// serve it, the bound-resource query only those that do.
	CertificateID string
	// Region scopes regional types; instance lists are regional on Tencent's side (§9.2).
	Region string
	// TaskID continues a bound-resource query that an earlier call started.
	TaskID string
}

// Bindings maps a target key to the certificate ID it serves. An answer of the bound-resource
// query holds only the targets that serve the queried certificate.
type Bindings struct {
	Serving map[string]string
	// Pending means the bound-resource query TaskID still runs: ask again later with TaskID.
	Pending   bool
	TaskID    string
	RequestID string
}

// DeleteStatus is the state of a delete task (DeleteTaskResult.Status).
type DeleteStatus int64

// Delete task states.
const (
	DeleteRunning DeleteStatus = 0
	DeleteDone    DeleteStatus = 1
	DeleteFailed  DeleteStatus = 2
	// DeleteRoleMissing: the service role SSL_QCSLinkedRoleInReplaceLoadCertificate that the
	// check needs is not authorised.
	DeleteRoleMissing DeleteStatus = 3
	// DeleteStillBound: cloud resources still use the certificate, which is kept.
	DeleteStillBound DeleteStatus = 4
	// DeleteCheckTimedOut: the bound-resource check timed out; the certificate is kept.
	DeleteCheckTimedOut DeleteStatus = 5
)

// DeleteResult is the outcome of a delete task.
type DeleteResult struct {
	CertificateID string
	Status        DeleteStatus
	// Message is Tencent's error text, cleaned for status and events.
	Message   string
	RequestID string
}

// DeployInput is a deployment task to create.
type DeployInput struct {
	CertificateID string
	ResourceType  string
	Region        string
	// Targets are InstanceIdList entries.
	Targets []string
}

// UpdateInput is an update task to create.
type UpdateInput struct {
	OldCertificateID, CertificateID string
	// ResourceTypes are the types to switch; Regions narrows some of them.
	ResourceTypes []string
	Regions       map[string][]string
}

// Task is a created (or already running) task.
type Task struct {
	RecordID int64
	// Existing means a task for the same certificate and type was already running and
	// RecordID is that task's.
	Existing  bool
	RequestID string
}

// RecordKind tells deployment records from update records.
type RecordKind string

const (
	RecordDeploy RecordKind = "deploy"
	RecordUpdate RecordKind = "update"
)

// RecordRef names a record; ResourceType and Region key its items like their targets.
type RecordRef struct {
	Kind         RecordKind
	ID           int64
	ResourceType string
	Region       string
}

// ItemStatus is the state of one item of a record.
type ItemStatus int64

// Item states.
const (
	ItemPending        ItemStatus = 0
	ItemSucceeded      ItemStatus = 1
	ItemFailed         ItemStatus = 2
	ItemRunning        ItemStatus = 3
	ItemRolledBack     ItemStatus = 4
	ItemRollbackFailed ItemStatus = 5
	ItemNoResource     ItemStatus = 6
)

// Record is a record's items.
type Record struct {
	Items     []RecordItem
	RequestID string
}

// RecordItem is one target of a record.
type RecordItem struct {
	// Target is the item's key, comparable with TargetKey of the target it reports on.
	Target string
	// Name is a short human name: type, instance, listener and domains.
	Name                            string
	ResourceType                    string
	Status                          ItemStatus
	Message                         string
	CertificateID, OldCertificateID string
}

// TargetKey returns the key under which a target (an InstanceIdList entry) is observed: the
// entry with domains lowercased, without the CDN billing switch, which is a setting, not an
// identity.
func TargetKey(resourceType, target string) string {
	if resourceType == string(sslv1alpha1.ResourceTypeCDN) {
		target, _, _ = strings.Cut(target, "|")
	}
	return strings.ToLower(target)
}
