// Package apigsim simulates the part of Huawei Cloud API Gateway (APIG) v2 that binds
// certificates to the custom domains of API groups, over HTTP, for the operator's tests and
// demo. It follows the reference (docs/tencent-api-notes.md §7) and Huawei's
// official Go SDK models, so that a client passing against it passes against APIG.
//
// Protocol: every request carries an SDK-HMAC-SHA256 Authorization header, which is verified
// by recomputing the signature with the SDK's own signer, an X-Sdk-Date within 15 minutes, and
// X-Security-Token when the access key is temporary. A wrong key, signature or token answers
// HTTP 401 with APIG.1002. Every answer carries an X-Request-Id; errors use the envelope
// {"error_code": "APIG.xxxx", "error_msg": "..."}.
//
// Calls:
//
//	GET    /v2/{project}/apigw/instances/{instance}/api-groups/{group}                               ShowDetailsOfApiGroupV2
//	POST   /v2/{project}/apigw/instances/{instance}/api-groups/{group}/domains/{domain}/certificate  AssociateCertificateV2 (201)
//	GET    .../domains/{domain}/certificate/{certificate}                                             ShowDetailsOfDomainNameCertificateV2
//	DELETE .../domains/{domain}/certificate/{certificate}                                             DisassociateCertificateV2 (204)
//
// A bind checks the name (4 to 50 characters starting with a letter, APIG.2012), that
// cert_content holds certificates and private_key a key (the reference's request example
// swaps them; the simulator refuses the swap with APIG.2012), that the key matches the leaf,
// and that the leaf covers the domain. A missing instance answers APIG.3030, a missing group
// APIG.3001 and a missing domain APIG.3020. A certificate ID the domain does not serve answers
// 404 with APIG.3021, a code of the simulator's choosing: the reference's error-code page is
// not part of the seed.
//
// Cloud resources come from an Inventory (Go values, or YAML/JSON); Faults inject errors,
// latency and dropped connections; call counts per action and code are kept, as in sslsim.
// The admin endpoints under /_sim/ expose the state, the counts and the faults for the
// apigsim command.
package apigsim
