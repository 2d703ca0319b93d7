// Package sslsim simulates the Tencent Cloud SSL Certificate API (version
// 2019-12-05) over HTTP for the operator's tests and demo. It follows the
// project's API reference, including its inconvenient semantics, so that a
// client passing against it passes against Tencent. Section numbers (§) in
// this package's comments refer to docs/tencent-api-notes.md.
//
// Protocol: POST with a JSON body, the X-TC-* headers and a TC3-HMAC-SHA256
// Authorization header, verified in full. Answers are always HTTP 200 with
// the {"Response": {...}} envelope and a UUID RequestId. Parameter names are
// case-sensitive, unknown ones answer UnknownParameter, and integers may be
// JSON numbers or numeric strings.
//
// Where the reference is ambiguous the simulator picks the reading that is
// harder on clients:
//
//   - a second DeployCertificateInstance for the same certificate and
//     resource type while a task runs succeeds with DeployStatus 0 and the
//     running task's ID;
//   - UpdateCertificateInstance and UploadUpdateCertificateInstance answer
//     DeployRecordId 0 ("being created") to the first identical call(s);
//     repeating an update after it finished answers
//     CertificateDeployInstanceEmpty, as nothing uses the old certificate;
//   - UploadCertificate with Repeatable=false returns the existing ID of a
//     certificate with the same leaf (same SHA-1 fingerprint), whatever its
//     chain, alias or tags;
//   - DescribeCertificateDetail's SubjectAltName omits the main domain,
//     DescribeCertificates' includes it; private keys are masked ("*******");
//   - record lists report a running record as status 0, since their
//     enumeration has no "running" value;
//   - throttled calls answer LimitExceeded.RateLimitExceeded, keyed per
//     action, access region (the endpoint's, not the Region header) and
//     SecretId;
//   - an item whose certificate does not cover its domains fails when it
//     completes (updates), and deploy refusals all answer
//     CertificateNotDeployInstance;
//   - DeployCertificateInstance and the instance lists read instance data
//     a full cache age (half an hour) old unless IsCache is 0;
//   - DeleteCertificate without IsCheckResource deletes a bound
//     certificate; the check, like the bound-resource query, is blind to
//     Lighthouse;
//   - instance lists are regional (§9.2), Region values are validated, and
//     each action answers a missing record with a code from its own list;
//   - deploy and update items use every status of UpdateRecordDetail: 0
//     queued, 3 deploying, 6 when nothing is left to deploy, 4 and 5 in
//     rollback records.
//
// README.md lists the options, flags and admin endpoints for each.
//
// Tasks progress lazily: work is due at times drawn when it starts
// (realistic durations compressed by Options.TimeScale, or the fixed
// Options.DeployDuration) and completes on the next request after that
// time on the injected clock, so tests control it with a fake clock and no
// goroutines.
//
// Cloud resources come from an Inventory (Go values, or YAML/JSON such as
// inventory.example.yaml); each bindable unit records the certificate it
// serves. Bind changes one out of band, like an edit in the console.
// Faults inject errors, latency, dropped connections and failing targets.
// The admin endpoints under /_sim/ (see ServeHTTP) expose the same controls
// over HTTP for the sslsim command.
package sslsim
