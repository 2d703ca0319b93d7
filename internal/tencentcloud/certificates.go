package tencentcloud

import (
	"context"
	"slices"
)

// maxIDsPerCall is how many certificate IDs ModifyCertificatesExpiringNotificationSwitch takes
// at once.
const maxIDsPerCall = 50

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

func (c *client) ModifyAlias(ctx context.Context, certificateID, alias string) error {
	_, err := invoke[requestIDResponse](ctx, c, "ModifyCertificateAlias", "", modifyCertificateAliasRequest{CertificateId: certificateID, Alias: alias})
	return err
}

// ModifyProject reports a certificate the service lists as failed as an error, since the call
// itself succeeds for a batch.
func (c *client) ModifyProject(ctx context.Context, certificateID string, projectID int64) error {
	const action = "ModifyCertificateProject"
	resp, err := invoke[modifyCertificateProjectResponse](ctx, c, action, "",
		modifyCertificateProjectRequest{CertificateIdList: []string{certificateID}, ProjectId: flexInt(projectID)})
	if err != nil {
		return err
	}
	if slices.Contains(resp.FailCertificates, certificateID) || !slices.Contains(resp.SuccessCertificates, certificateID) {
		return &Error{Action: action, Code: "FailedOperation", RequestID: resp.RequestId, Message: "the certificate was not moved to the project"}
	}
	return nil
}

// Delete always asks for the resource check: without it Tencent deletes a certificate that
// resources still serve.
func (c *client) Delete(ctx context.Context, certificateID string) (string, error) {
	const action = "DeleteCertificate"
	resp, err := invoke[deleteCertificateResponse](ctx, c, action, "", deleteCertificateRequest{CertificateId: certificateID, IsCheckResource: true})
	if err != nil {
		return "", err
	}
	if resp.TaskId == nil || *resp.TaskId == "" {
		return "", &Error{Action: action, Code: CodeClientParse, RequestID: resp.RequestId, Message: "the response has no task ID"}
	}
	return *resp.TaskId, nil
}

func (c *client) DeleteResult(ctx context.Context, taskID string) (DeleteResult, error) {
	const action = "DescribeDeleteCertificatesTaskResult"
	resp, err := invoke[deleteTaskResultResponse](ctx, c, action, "", taskIDsRequest{TaskIds: []string{taskID}})
	if err != nil {
		return DeleteResult{}, err
	}
	for _, r := range resp.DeleteTaskResult {
		if r.TaskId == taskID {
			return DeleteResult{CertificateID: r.CertId, Status: DeleteStatus(r.Status), Message: itemMessage(r.Error), RequestID: resp.RequestId}, nil
		}
	}
	// The page's only listed error, FailedOperation, is also what an unknown task gets.
	return DeleteResult{}, &Error{Action: action, Code: "FailedOperation", RequestID: resp.RequestId, Message: "the answer does not name the task"}
}
