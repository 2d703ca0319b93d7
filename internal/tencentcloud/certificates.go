package tencentcloud

import (
	"context"
	"slices"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// maxIDsPerCall is how many certificate IDs DescribeDeployedResources and
// ModifyCertificatesExpiringNotificationSwitch take at once.
const maxIDsPerCall = 50

// deployedResourceTypes are the types DescribeDeployedResources answers for; antiddos is its
// name for ddos.
var deployedResourceTypes = []string{"clb", "cdn", "live", "waf", "antiddos", "teo"}

// listedResourceTypes are the other types whose bindings an instance list reports, one
// certificate per call. tse, tcb and lighthouse report none: a certificate bound only there
// is not seen.
var listedResourceTypes = []sslv1alpha1.ResourceType{
	sslv1alpha1.ResourceTypeTKE, sslv1alpha1.ResourceTypeAPIGateway, sslv1alpha1.ResourceTypeCOS, sslv1alpha1.ResourceTypeVOD,
}

// Upload sends Repeatable=false unless asked otherwise, so that content already in the account,
// for example after a crash lost the status write of an earlier upload, is answered with the
// existing ID. One reading of the reference fails such an upload with
// FailedOperation.CertificateExists instead; then CheckCertificateExist finds the ID.
func (c *client) Upload(ctx context.Context, in UploadInput) (Uploaded, error) {
	req := uploadCertificateRequest{
		CertificatePublicKey:  in.CertificatePEM,
		CertificatePrivateKey: in.PrivateKeyPEM,
		CertificateType:       in.Type,
		Alias:                 in.Alias,
		Repeatable:            new(in.Repeatable),
	}
	if in.ProjectID != nil {
		req.ProjectId = flexInt(*in.ProjectID)
	}
	for _, t := range in.Tags {
		req.Tags = append(req.Tags, wireTag{TagKey: t.Key, TagValue: t.Value})
	}
	const action = "UploadCertificate"
	resp, err := invoke[uploadCertificateResponse](ctx, c, action, "", req)
	switch {
	case err == nil && resp.RepeatCertId != "":
		return Uploaded{CertificateID: resp.RepeatCertId, Existing: true, RequestID: resp.RequestId}, nil
	case err == nil && resp.CertificateId != "":
		return Uploaded{CertificateID: resp.CertificateId, RequestID: resp.RequestId}, nil
	case err == nil:
		return Uploaded{}, noID(action, resp.RequestId)
	case !IsAlreadyExists(err) || in.Repeatable:
		// A repeatable upload must not take over whatever certificate has the same content.
		return Uploaded{}, err
	}
	const check = "CheckCertificateExist"
	existing, err := invoke[checkCertificateExistResponse](ctx, c, check, "", checkCertificateExistRequest{CertificatePublicKey: in.CertificatePEM})
	if err != nil {
		return Uploaded{}, err
	}
	if existing.RepeatCertId == "" {
		return Uploaded{}, noID(check, existing.RequestId)
	}
	return Uploaded{CertificateID: existing.RepeatCertId, Existing: true, RequestID: existing.RequestId}, nil
}

// noID reports an answer without the certificate ID it must carry.
func noID(action, requestID string) error {
	return &Error{Action: action, Code: CodeClientParse, RequestID: requestID, Message: "the response has no certificate ID"}
}

func (c *client) Describe(ctx context.Context, certificateID string) (Certificate, error) {
	d, err := invoke[describeCertificateDetailResponse](ctx, c, "DescribeCertificateDetail", "", certificateIDRequest{CertificateId: certificateID})
	if err != nil {
		return Certificate{}, err
	}
	out := Certificate{
		ID:              d.CertificateId,
		Status:          CertificateStatus(d.Status),
		Domain:          d.Domain,
		SubjectAltNames: d.SubjectAltName,
		NotBefore:       parseTime(d.CertBeginTime),
		NotAfter:        parseTime(d.CertEndTime),
		RequestID:       d.RequestId,
	}
	if d.CertificatePublicKey != nil {
		out.CertificatePEM = *d.CertificatePublicKey
	}
	return out, nil
}

// Tags lists the one certificate rather than describing it: the detail answer carries the
// private key.
func (c *client) Tags(ctx context.Context, certificateID string) (map[string]string, bool, error) {
	resp, err := invoke[describeCertificatesResponse](ctx, c, "DescribeCertificates", "",
		describeCertificatesRequest{CertIds: []string{certificateID}, Limit: 1})
	if err != nil {
		return nil, false, err
	}
	for _, cert := range resp.Certificates {
		if cert.CertificateId != certificateID {
			continue
		}
		tags := make(map[string]string, len(cert.Tags))
		for _, t := range cert.Tags {
			tags[t.TagKey] = t.TagValue
		}
		return tags, true, nil
	}
	return nil, false, nil
}

func (c *client) MuteExpiry(ctx context.Context, certificateIDs []string) error {
	for batch := range slices.Chunk(certificateIDs, maxIDsPerCall) {
		_, err := invoke[requestIDResponse](ctx, c, "ModifyCertificatesExpiringNotificationSwitch", "",
			modifyExpiringNotificationSwitchRequest{CertificateIds: batch, SwitchStatus: 1})
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *client) Delete(ctx context.Context, certificateID string) error {
	_, err := invoke[requestIDResponse](ctx, c, "DeleteCertificate", "", certificateIDRequest{CertificateId: certificateID})
	return err
}

// InUse asks DescribeDeployedResources about the types it covers, then the instance lists of
// the others, for the certificates not yet known to be in use.
func (c *client) InUse(ctx context.Context, certificateIDs []string) (map[string]bool, error) {
	inUse := make(map[string]bool, len(certificateIDs))
	for _, id := range certificateIDs {
		inUse[id] = false
	}
	for _, rt := range deployedResourceTypes {
		for batch := range slices.Chunk(certificateIDs, maxIDsPerCall) {
			resp, err := invoke[describeDeployedResourcesResponse](ctx, c, "DescribeDeployedResources", "",
				describeDeployedResourcesRequest{CertificateIds: batch, ResourceType: rt})
			if err != nil {
				return nil, err
			}
			for _, d := range resp.DeployedResources {
				if _, asked := inUse[d.CertificateId]; asked && (d.Count > 0 || len(d.Resources) > 0) {
					inUse[d.CertificateId] = true
				}
			}
		}
	}
	for _, id := range certificateIDs {
		for _, rt := range listedResourceTypes {
			if inUse[id] {
				break
			}
			b, err := c.Bindings(ctx, string(rt), id)
			if err != nil {
				return nil, err
			}
			for _, cert := range b.Serving {
				inUse[id] = inUse[id] || cert == id
			}
		}
	}
	return inUse, nil
}
