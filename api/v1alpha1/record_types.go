package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// RecordKind is the kind of Tencent Cloud task a record follows.
// +kubebuilder:validation:Enum=Deploy;Update
type RecordKind string

const (
	// RecordDeploy is a DeployCertificateInstance task.
	RecordDeploy RecordKind = "Deploy"
	// RecordUpdate is an UpdateCertificateInstance task.
	RecordUpdate RecordKind = "Update"
)

// RecordPhase is where a record is in its life.
// +kubebuilder:validation:Enum=Creating;Running;RollingBack;Succeeded;Failed;RolledBack
type RecordPhase string

const (
	// RecordCreating: the task is being created; the call that creates it may be repeated.
	RecordCreating RecordPhase = "Creating"
	// RecordRunning: the task runs, or its failed items are being retried.
	RecordRunning RecordPhase = "Running"
	// RecordRollingBack: the task's successful items are being rolled back.
	RecordRollingBack RecordPhase = "RollingBack"
	// RecordSucceeded: every item succeeded.
	RecordSucceeded RecordPhase = "Succeeded"
	// RecordFailed: items failed after all retries.
	RecordFailed RecordPhase = "Failed"
	// RecordRolledBack: the successful items were rolled back after failures.
	RecordRolledBack RecordPhase = "RolledBack"
)

// RecordStatus follows one Tencent Cloud task from its creation to its end. Its ID is written
// to status before the task is polled, so that a restarted operator resumes the same task.
type RecordStatus struct {
	// Kind of the task.
	Kind RecordKind `json:"kind"`

	// ID of the record; 0 while the task is being created.
	// +optional
	ID int64 `json:"id,omitempty"`

	// RollbackID is the record that rolls back ID's successful items; 0 until Tencent Cloud
	// answered with it.
	// +optional
	RollbackID int64 `json:"rollbackId,omitempty"`

	// CertificateID is the certificate the task moves resources to.
	CertificateID string `json:"certificateId"`

	// OldCertificateID is the certificate an update moves resources from.
	// +optional
	OldCertificateID string `json:"oldCertificateId,omitempty"`

	// Phase of the record.
	Phase RecordPhase `json:"phase"`

	// Retries is how many times failed items were retried.
	// +optional
	Retries int32 `json:"retries,omitempty"`

	// Total, Succeeded, Failed and Running count the record's items at the last poll.
	// +optional
	Total int32 `json:"total,omitempty"`
	// +optional
	Succeeded int32 `json:"succeeded,omitempty"`
	// +optional
	Failed int32 `json:"failed,omitempty"`
	// +optional
	Running int32 `json:"running,omitempty"`

	// StartTime is when the task was created.
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty"`

	// FailureTime is when items were last seen failed; retries back off from it.
	// +optional
	FailureTime *metav1.Time `json:"failureTime,omitempty"`

	// CompletionTime is when the record ended.
	// +optional
	CompletionTime *metav1.Time `json:"completionTime,omitempty"`

	// BindingsQuery confirms, when Tencent Cloud answered an update with nothing to switch,
	// that nothing in the requested types and regions still serves the old certificate.
	// +optional
	BindingsQuery *BindingsQueryStatus `json:"bindingsQuery,omitempty"`
}

// Ended reports whether the record reached a final phase.
func (r *RecordStatus) Ended() bool {
	switch r.Phase {
	case RecordSucceeded, RecordFailed, RecordRolledBack:
		return true
	}
	return false
}
