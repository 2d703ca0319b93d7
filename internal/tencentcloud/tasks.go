package tencentcloud

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// recordPage is the largest page the record detail calls return.
const recordPage = 200

// maxItemMessage bounds an item's message, which ends up in status and events.
const maxItemMessage = 256

// StartDeploy is the only call sent with a region, as the X-TC-Region header: the input's,
// else the factory's default.
func (c *client) StartDeploy(ctx context.Context, in DeployInput) (Task, error) {
	region := in.Region
	if region == "" {
		region = c.f.opts.Region
	}
	resp, err := invoke[taskResponse](ctx, c, "DeployCertificateInstance", region, deployCertificateInstanceRequest{
		CertificateId: in.CertificateID, InstanceIdList: in.Targets, ResourceType: in.ResourceType,
	})
	if err != nil {
		return Task{}, err
	}
	return Task{RecordID: int64(resp.DeployRecordId), Existing: resp.DeployStatus == 0, RequestID: resp.RequestId}, nil
}

// StartUpdate narrows the listed types to their regions in Regions; regions of types not
// listed are not sent.
func (c *client) StartUpdate(ctx context.Context, in UpdateInput) (Task, error) {
	req := updateCertificateInstanceRequest{
		OldCertificateId: in.OldCertificateID, CertificateId: in.CertificateID, ResourceTypes: in.ResourceTypes,
	}
	for _, rt := range in.ResourceTypes {
		if regions := in.Regions[rt]; len(regions) > 0 {
			req.ResourceTypesRegions = append(req.ResourceTypesRegions, resourceTypeRegions{ResourceType: rt, Regions: regions})
		}
	}
	resp, err := invoke[taskResponse](ctx, c, "UpdateCertificateInstance", "", req)
	if err != nil {
		return Task{}, err
	}
	// DeployStatus 0 with an ID names an update already running; the caller checks it is its own.
	return Task{RecordID: int64(resp.DeployRecordId), Existing: resp.DeployStatus == 0 && resp.DeployRecordId > 0, RequestID: resp.RequestId}, nil
}

func (c *client) Record(ctx context.Context, ref RecordRef) (Record, error) {
	if ref.Kind == RecordUpdate {
		return c.updateRecord(ctx, ref)
	}
	return c.deployRecord(ctx, ref)
}

func (c *client) deployRecord(ctx context.Context, ref RecordRef) (Record, error) {
	var rec Record
	id := strconv.FormatInt(ref.ID, 10)
	for offset := 0; ; offset += recordPage {
		resp, err := invoke[deployRecordDetailResponse](ctx, c, "DescribeHostDeployRecordDetail", "",
			deployRecordDetailRequest{DeployRecordId: id, Offset: offset, Limit: recordPage})
		if err != nil {
			return Record{}, err
		}
		rec.RequestID = resp.RequestId
		for _, it := range resp.DeployRecordDetailList {
			rec.Items = append(rec.Items, recordItemOf(ref.ResourceType, ref.Region, it))
		}
		if len(resp.DeployRecordDetailList) < recordPage || len(rec.Items) >= int(resp.TotalCount) {
			return rec, nil
		}
	}
}

// updateRecord flattens the items, which the service groups by resource type.
func (c *client) updateRecord(ctx context.Context, ref RecordRef) (Record, error) {
	var rec Record
	id := strconv.FormatInt(ref.ID, 10)
	for offset := 0; ; offset += recordPage {
		resp, err := invoke[updateRecordDetailResponse](ctx, c, "DescribeHostUpdateRecordDetail", "", updateRecordDetailRequest{
			DeployRecordId: id, Limit: strconv.Itoa(recordPage), Offset: strconv.Itoa(offset),
		})
		if err != nil {
			return Record{}, err
		}
		rec.RequestID = resp.RequestId
		n := 0
		for _, group := range resp.RecordDetailList {
			for _, it := range group.List {
				rt := cmp.Or(ref.ResourceType, it.ResourceType, group.ResourceType)
				rec.Items = append(rec.Items, recordItemOf(rt, cmp.Or(ref.Region, it.Region), it))
			}
			n += len(group.List)
		}
		if n < recordPage || len(rec.Items) >= int(resp.TotalCount) {
			return rec, nil
		}
	}
}

func recordItemOf(resourceType, region string, it recordItem) RecordItem {
	parts := slices.DeleteFunc([]string{it.InstanceId, it.ListenerId, strings.Join(it.Domains, ",")}, func(s string) bool { return s == "" })
	return RecordItem{
		Target:           itemKey(resourceType, region, it),
		Name:             strings.TrimSpace(resourceType + " " + strings.Join(parts, "/")),
		ResourceType:     resourceType,
		Status:           ItemStatus(it.Status),
		Message:          itemMessage(it.ErrorMsg),
		CertificateID:    it.CertId,
		OldCertificateID: it.OldCertId,
	}
}

// itemMessage cleans an item's error message from Tencent Cloud for status and events.
func itemMessage(msg string) string {
	msg = Sanitize(strings.TrimSpace(msg))
	if len(msg) <= maxItemMessage {
		return msg
	}
	cut := maxItemMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "..."
}

func (c *client) Retry(ctx context.Context, ref RecordRef) (string, error) {
	action := "DeployCertificateRecordRetry"
	if ref.Kind == RecordUpdate {
		action = "UpdateCertificateRecordRetry"
	}
	resp, err := invoke[requestIDResponse](ctx, c, action, "", recordIDRequest{DeployRecordId: flexInt(ref.ID)})
	return resp.RequestId, err
}

func (c *client) Rollback(ctx context.Context, ref RecordRef) (Task, error) {
	action := "DeployCertificateRecordRollback"
	if ref.Kind == RecordUpdate {
		action = "UpdateCertificateRecordRollback"
	}
	resp, err := invoke[taskResponse](ctx, c, action, "", recordIDRequest{DeployRecordId: flexInt(ref.ID)})
	if err != nil {
		return Task{}, err
	}
	return Task{RecordID: int64(resp.DeployRecordId), RequestID: resp.RequestId}, nil
}
