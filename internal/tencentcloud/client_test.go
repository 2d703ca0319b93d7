package tencentcloud

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTC3VerifierReproducesReferenceVectors(t *testing.T) {
	// §1.6: the worked example's payload, canonical request and key chain.
	body := `{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`
	if got, want := sha256Hex([]byte(body)), "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"; got != want {
		t.Fatalf("payload hash %s, want %s", got, want)
	}
	canonical := "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
	if got, want := sha256Hex([]byte(canonical)), "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"; got != want {
		t.Fatalf("canonical request hash %s, want %s", got, want)
	}
	secretDate, _ := hex.DecodeString("da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0")
	stringToSign := "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
	if got, want := tc3Signature(secretDate, "cvm", stringToSign), "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}

func TestEveryActionIsSentUnderItsOwnName(t *testing.T) {
	env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
	api := env.api(t)
	apiType := reflect.TypeFor[API]()
	for i := range apiType.NumMethod() {
		m := apiType.Method(i)
		t.Run(m.Name, func(t *testing.T) {
			nilReq := reflect.Zero(m.Type.In(1))
			out := reflect.ValueOf(api).MethodByName(m.Name).Call([]reflect.Value{reflect.ValueOf(context.Background()), nilReq})
			if err, _ := out[1].Interface().(error); err != nil {
				t.Fatalf("%s: %v", m.Name, err)
			}
			reqs := env.cloud.recorded()
			last := reqs[len(reqs)-1]
			if last.Action != m.Name {
				t.Errorf("X-TC-Action %q, want %q", last.Action, m.Name)
			}
			zero, _ := json.Marshal(reflect.New(m.Type.In(1).Elem()).Interface())
			if string(last.Body) != string(zero) {
				t.Errorf("body of a nil request is %s, want the zero request %s", last.Body, zero)
			}
			if out[0].IsNil() || out[0].Elem().FieldByName("RequestId").String() != "req-ok" {
				t.Errorf("response lacks the RequestId")
			}
		})
	}
	if got := apiType.NumMethod(); got != 30 {
		t.Errorf("API has %d methods, want 30", got)
	}
}

func TestRequestsAreEncodedWithTheReferenceNamesAndTypes(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		call     func(API) error
		wantBody string
	}{
		{
			name: "UploadCertificate sends Repeatable false and omits unset options",
			call: func(a API) error {
				_, err := a.UploadCertificate(ctx, &UploadCertificateRequest{CertificatePublicKey: "CERT", CertificatePrivateKey: "KEY", Alias: "demo", Repeatable: new(false)})
				return err
			},
			wantBody: `{"CertificatePublicKey":"CERT","CertificatePrivateKey":"KEY","Alias":"demo","Repeatable":false}`,
		},
		{
			name: "UploadCertificate sends tags as objects and the project as a number",
			call: func(a API) error {
				_, err := a.UploadCertificate(ctx, &UploadCertificateRequest{CertificatePublicKey: "CERT", CertificateType: CertificateTypeCA, ProjectId: 7, Tags: []Tag{{TagKey: "k", TagValue: "v"}}})
				return err
			},
			wantBody: `{"CertificatePublicKey":"CERT","CertificateType":"CA","ProjectId":7,"Tags":[{"TagKey":"k","TagValue":"v"}]}`,
		},
		{
			name: "DescribeHostDeployRecordDetail sends DeployRecordId as a string and Limit as a number",
			call: func(a API) error {
				_, err := a.DescribeHostDeployRecordDetail(ctx, &DescribeHostDeployRecordDetailRequest{DeployRecordId: "74889", Limit: 200})
				return err
			},
			wantBody: `{"DeployRecordId":"74889","Limit":200}`,
		},
		{
			name: "DescribeHostUpdateRecordDetail sends DeployRecordId, Limit and Offset as strings",
			call: func(a API) error {
				_, err := a.DescribeHostUpdateRecordDetail(ctx, &DescribeHostUpdateRecordDetailRequest{DeployRecordId: "193752", Limit: "10", Offset: "0"})
				return err
			},
			wantBody: `{"DeployRecordId":"193752","Limit":"10","Offset":"0"}`,
		},
		{
			name: "DescribeHostUploadUpdateRecordDetail sends DeployRecordId as a number",
			call: func(a API) error {
				_, err := a.DescribeHostUploadUpdateRecordDetail(ctx, &DescribeHostUploadUpdateRecordDetailRequest{DeployRecordId: 2})
				return err
			},
			wantBody: `{"DeployRecordId":2}`,
		},
		{
			name: "DeployCertificateInstance keeps Region out of the body and sends IsCache 0",
			call: func(a API) error {
				_, err := a.DeployCertificateInstance(ctx, &DeployCertificateInstanceRequest{Region: "ap-guangzhou", CertificateId: "vyRlKIeI", InstanceIdList: []string{"lb-pk278gkq|lbl-2yju432e"}, ResourceType: ResourceTypeCLB, IsCache: new(FlexInt(0))})
				return err
			},
			wantBody: `{"CertificateId":"vyRlKIeI","InstanceIdList":["lb-pk278gkq|lbl-2yju432e"],"ResourceType":"clb","IsCache":0}`,
		},
		{
			name: "DescribeHostApiGatewayInstanceList sends Offset as a string",
			call: func(a API) error {
				_, err := a.DescribeHostApiGatewayInstanceList(ctx, &DescribeHostApiGatewayInstanceListRequest{CertificateId: "c", Limit: 10, Offset: "20"})
				return err
			},
			wantBody: `{"CertificateId":"c","Limit":10,"Offset":"20"}`,
		},
		{
			name: "ModifyCertificatesExpiringNotificationSwitch sends SwitchStatus 0",
			call: func(a API) error {
				_, err := a.ModifyCertificatesExpiringNotificationSwitch(ctx, &ModifyCertificatesExpiringNotificationSwitchRequest{CertificateIds: []string{"a"}})
				return err
			},
			wantBody: `{"CertificateIds":["a"],"SwitchStatus":0}`,
		},
		{
			name: "UpdateCertificateInstance sends ResourceTypesRegions and never the deprecated Regions",
			call: func(a API) error {
				_, err := a.UpdateCertificateInstance(ctx, &UpdateCertificateInstanceRequest{
					OldCertificateId: "old", ResourceTypes: []string{"clb"}, CertificateId: "new",
					ResourceTypesRegions:       []ResourceTypeRegions{{ResourceType: "clb", Regions: []string{"ap-guangzhou"}}},
					ExpiringNotificationSwitch: new(FlexInt(1)),
				})
				return err
			},
			wantBody: `{"OldCertificateId":"old","ResourceTypes":["clb"],"CertificateId":"new","ResourceTypesRegions":[{"ResourceType":"clb","Regions":["ap-guangzhou"]}],"ExpiringNotificationSwitch":1}`,
		},
		{
			name: "DescribeCertificates sends status filters as numbers and a zero project filter",
			call: func(a API) error {
				_, err := a.DescribeCertificates(ctx, &DescribeCertificatesRequest{Limit: 1000, ProjectId: new(FlexInt(0)), CertificateStatus: []CertificateStatus{CertificateStatusIssued}, CertIds: []string{"a"}})
				return err
			},
			wantBody: `{"Limit":1000,"ProjectId":0,"CertificateStatus":[1],"CertIds":["a"]}`,
		},
		{
			name: "DeleteCertificate sends IsCheckResource only when set",
			call: func(a API) error {
				_, err := a.DeleteCertificate(ctx, &DeleteCertificateRequest{CertificateId: "a"})
				return err
			},
			wantBody: `{"CertificateId":"a"}`,
		},
		{
			name: "DescribeHostClbInstanceList sends filters as key/value objects",
			call: func(a API) error {
				_, err := a.DescribeHostClbInstanceList(ctx, &DescribeHostClbInstanceListRequest{CertificateId: "c", Filters: []Filter{{FilterKey: FilterKeyDomainMatch, FilterValue: "1"}}, AsyncCache: 1})
				return err
			},
			wantBody: `{"CertificateId":"c","Filters":[{"FilterKey":"domainMatch","FilterValue":"1"}],"AsyncCache":1}`,
		},
		{
			name: "DescribeHostTeoInstanceList always sends the required CertificateId",
			call: func(a API) error {
				_, err := a.DescribeHostTeoInstanceList(ctx, &DescribeHostTeoInstanceListRequest{})
				return err
			},
			wantBody: `{"CertificateId":""}`,
		},
		{
			name: "DescribeDeployedResources sends the certificate list and type",
			call: func(a API) error {
				_, err := a.DescribeDeployedResources(ctx, &DescribeDeployedResourcesRequest{CertificateIds: []string{"EsF1"}, ResourceType: ResourceTypeAntiDDoS})
				return err
			},
			wantBody: `{"CertificateIds":["EsF1"],"ResourceType":"antiddos"}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
			if err := tc.call(env.api(t)); err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := env.cloud.recorded()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if got := string(reqs[0].Body); got != tc.wantBody {
				t.Errorf("body\n got %s\nwant %s", got, tc.wantBody)
			}
		})
	}
}

func TestCommonHeaders(t *testing.T) {
	ctx := context.Background()
	deploy := func(region string) func(API) error {
		return func(a API) error {
			_, err := a.DeployCertificateInstance(ctx, &DeployCertificateInstanceRequest{Region: region, CertificateId: "c", InstanceIdList: []string{"i"}})
			return err
		}
	}
	list := func(a API) error {
		_, err := a.DescribeHostClbInstanceList(ctx, &DescribeHostClbInstanceListRequest{})
		return err
	}
	cases := []struct {
		name          string
		factoryRegion string
		creds         Credentials
		call          func(API) error
		wantRegion    string // "" means the header must be absent
		wantToken     string
	}{
		{name: "Actions other than DeployCertificateInstance send no region even with a default", factoryRegion: "ap-shanghai", call: list},
		{name: "DeployCertificateInstance sends the request's region", factoryRegion: "ap-shanghai", call: deploy("ap-guangzhou"), wantRegion: "ap-guangzhou"},
		{name: "DeployCertificateInstance falls back to the factory's region", factoryRegion: "ap-shanghai", call: deploy(""), wantRegion: "ap-shanghai"},
		{name: "DeployCertificateInstance sends no region when none is configured", call: deploy("")},
		{name: "A session token is sent as X-TC-Token", creds: Credentials{Token: testToken}, call: list, wantToken: testToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), func(o *FactoryOptions) { o.Region = tc.factoryRegion })
			creds := tc.creds
			creds.SecretID, creds.SecretKey = testSecretID, testSecretKey
			api, err := env.factory.For(ctx, &creds)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.call(api); err != nil {
				t.Fatalf("call: %v", err)
			}
			h := env.cloud.recorded()[0].Header
			if got, ok := h["X-Tc-Region"]; tc.wantRegion == "" && ok {
				t.Errorf("X-TC-Region %q sent, want none", got)
			} else if tc.wantRegion != "" && h.Get("X-TC-Region") != tc.wantRegion {
				t.Errorf("X-TC-Region %q, want %q", h.Get("X-TC-Region"), tc.wantRegion)
			}
			if got := h.Get("X-TC-Token"); got != tc.wantToken {
				t.Errorf("X-TC-Token %q, want %q", got, tc.wantToken)
			}
			if got := h.Get("X-TC-Version"); got != Version {
				t.Errorf("X-TC-Version %q, want %q", got, Version)
			}
			if got := h.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q, want application/json", got)
			}
			if ts, err := strconv.ParseInt(h.Get("X-TC-Timestamp"), 10, 64); err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
				t.Errorf("X-TC-Timestamp %q is not the current Unix time", h.Get("X-TC-Timestamp"))
			}
			wantAuth := "TC3-HMAC-SHA256 Credential=" + testSecretID + "/"
			if got := h.Get("Authorization"); !strings.HasPrefix(got, wantAuth) || !strings.Contains(got, "SignedHeaders=content-type;host, Signature=") {
				t.Errorf("Authorization %q is not a TC3-HMAC-SHA256 header for %s", got, testSecretID)
			}
		})
	}
}

func TestResponsesDecodeOddTypesAndNulls(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		fields string
		check  func(t *testing.T, a API)
	}{
		{
			name:   "A ddos deploy item's string port and a CLB item's URL list decode",
			fields: `"TotalCount":"2","DeployRecordDetailList":[{"Id":10,"InstanceId":"bgpip-000001a6","Domains":["tencent.com"],"Protocol":"https","Port":"443","Status":1,"CreateTime":"2024-06-26T11:36:33.000000Z","Url":null},{"Id":"11","Status":"3","Port":80,"Url":["/zrh1","/zrh2"],"SniSwitch":1}],"SuccessTotalCount":1,"FailedTotalCount":0,"RunningTotalCount":1`,
			check: func(t *testing.T, a API) {
				resp, err := a.DescribeHostDeployRecordDetail(ctx, &DescribeHostDeployRecordDetailRequest{DeployRecordId: "1"})
				if err != nil {
					t.Fatal(err)
				}
				items := resp.DeployRecordDetailList
				if resp.TotalCount != 2 || len(items) != 2 || resp.RunningTotalCount != 1 {
					t.Fatalf("decoded %+v", resp)
				}
				if items[0].Port != 443 || items[0].Status != DetailStatusSuccess || items[0].Url != nil {
					t.Errorf("first item %+v", items[0])
				}
				if items[1].Id != 11 || items[1].Status != DetailStatusDeploying || !reflect.DeepEqual([]string(items[1].Url), []string{"/zrh1", "/zrh2"}) {
					t.Errorf("second item %+v", items[1])
				}
			},
		},
		{
			name:   "An update item's single-string URL decodes",
			fields: `"TotalCount":1,"RecordDetailList":[{"ResourceType":"clb","TotalCount":1,"List":[{"Id":193763,"CertId":"B7OXLIdj","OldCertId":"AN1Gys3l","Status":1,"Url":"/index","Region":null,"Port":null,"Domains":null}]}],"SuccessTotalCount":1`,
			check: func(t *testing.T, a API) {
				resp, err := a.DescribeHostUpdateRecordDetail(ctx, &DescribeHostUpdateRecordDetailRequest{DeployRecordId: "193752"})
				if err != nil {
					t.Fatal(err)
				}
				item := resp.RecordDetailList[0].List[0]
				if item.Url != "/index" || item.Id != 193763 || item.Status != DetailStatusSuccess || item.Region != "" || item.Port != 0 {
					t.Errorf("item %+v", item)
				}
			},
		},
		{
			name:   "Null certificate fields decode to nil and present ones keep their value",
			fields: `"CertificateId":"aClRkC90","Status":"4","PackageType":null,"CertBeginTime":null,"CertEndTime":"2025-01-03 07:59:59","CertificatePublicKey":null,"CertificatePrivateKey":"x","ProjectId":0,"OwnerUin":100012345678,"SubjectAltName":[],"CertFingerprint":null,"DomainType":1,"CertChainInfo":null,"RootCert":{"Standard":null}`,
			check: func(t *testing.T, a API) {
				resp, err := a.DescribeCertificateDetail(ctx, &DescribeCertificateDetailRequest{CertificateId: "aClRkC90"})
				if err != nil {
					t.Fatal(err)
				}
				if resp.Status != CertificateStatusDNSRecordAdded || resp.PackageType != nil || resp.CertBeginTime != nil || resp.CertificatePublicKey != nil || resp.CertFingerprint != nil {
					t.Errorf("nullable fields %v", resp)
				}
				if resp.CertEndTime == nil || *resp.CertEndTime != "2025-01-03 07:59:59" || resp.CertificatePrivateKey == nil {
					t.Errorf("present fields lost: %v", resp)
				}
				if resp.ProjectId != "0" || resp.OwnerUin != "100012345678" || resp.RootCert == nil || resp.RootCert.Standard != nil {
					t.Errorf("numeric strings %v", resp)
				}
			},
		},
		{
			name:   "The still-creating answer of an in-place update has null progress counts",
			fields: `"DeployRecordId":0,"DeployStatus":0,"UpdateSyncProgress":[{"ResourceType":"clb","UpdateSyncProgressRegions":[{"TotalCount":null,"OffsetCount":null,"Status":0,"Region":"ap-qingyuan"}],"Status":0}]`,
			check: func(t *testing.T, a API) {
				resp, err := a.UploadUpdateCertificateInstance(ctx, &UploadUpdateCertificateInstanceRequest{OldCertificateId: "old"})
				if err != nil {
					t.Fatal(err)
				}
				p := resp.UpdateSyncProgress[0]
				if resp.DeployRecordId != 0 || resp.DeployStatus != DeployStatusExisting || p.Status != SyncStatusPending || p.UpdateSyncProgressRegions[0].Region != "ap-qingyuan" || p.UpdateSyncProgressRegions[0].TotalCount != 0 {
					t.Errorf("decoded %+v", resp)
				}
			},
		},
		{
			name:   "An in-place update record lists its deploy and rollback passes",
			fields: `"DeployRecordDetail":[{"TotalCount":1,"SuccessTotalCount":1,"Type":0,"Status":1,"CreateTime":"2025-05-20 15:03:17","RecordDetailList":[{"ResourceType":"clb","TotalCount":1,"List":[{"Id":57,"OldCertId":"OMhKAc35","Status":1,"Domains":["tencent.com,www.tencent.online"],"Forward":1,"SSLMode":"UNIDIRECTIONAL"}]}]},{"Type":1,"Status":4,"RecordDetailList":[]}]`,
			check: func(t *testing.T, a API) {
				resp, err := a.DescribeHostUploadUpdateRecordDetail(ctx, &DescribeHostUploadUpdateRecordDetailRequest{DeployRecordId: 2})
				if err != nil {
					t.Fatal(err)
				}
				passes := resp.DeployRecordDetail
				if len(passes) != 2 || passes[0].Type != PassTypeDeploy || passes[1].Type != PassTypeRollback || passes[1].Status != DetailStatusRollbackSuccess {
					t.Fatalf("passes %+v", passes)
				}
				if item := passes[0].RecordDetailList[0].List[0]; item.Id != 57 || item.Forward != 1 || item.SSLMode != "UNIDIRECTIONAL" {
					t.Errorf("item %+v", item)
				}
			},
		},
		{
			name:   "Deployment records with numeric strings decode",
			fields: `"TotalCount":"1","DeployRecordList":[{"Id":"748932","CertId":"vyRlKIeI","ResourceType":"clb","Region":"ap-guangzhou","Status":"1","CreateTime":"2023-09-19 12:00:00"}],"SomethingNew":{"a":1}`,
			check: func(t *testing.T, a API) {
				resp, err := a.DescribeHostDeployRecord(ctx, &DescribeHostDeployRecordRequest{CertificateId: "vyRlKIeI"})
				if err != nil {
					t.Fatal(err)
				}
				if r := resp.DeployRecordList[0]; r.Id != 748932 || r.Status != RecordStatusSuccess || resp.TotalCount != 1 {
					t.Errorf("record %+v", r)
				}
			},
		},
		{
			name:   "The TKE instance tree decodes",
			fields: `"TotalCount":1,"InstanceList":[{"ClusterId":"cls-1","NamespaceList":[{"Name":"zrh","SecretList":[{"Name":"zrh","CertId":"jj","IngressList":[{"IngressName":"zrh","TlsDomains":["www.zrh.com"],"Domains":["ww.zrh.com"]}],"NoMatchDomains":null}]}]}],"AsyncTotalNum":0,"AsyncOffset":0,"AsyncCacheTime":"10"`,
			check: func(t *testing.T, a API) {
				resp, err := a.DescribeHostTkeInstanceList(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				s := resp.InstanceList[0].NamespaceList[0].SecretList[0]
				if s.CertId != "jj" || s.IngressList[0].TlsDomains[0] != "www.zrh.com" || resp.AsyncCacheTime != "10" {
					t.Errorf("secret %+v", s)
				}
			},
		},
		{
			name:   "A ddos instance's virtual port given as a number decodes as text",
			fields: `"TotalCount":1,"InstanceList":[{"Domain":"tencent.com","InstanceId":"bgpip-1","Protocol":"https","CertId":"a","VirtualPort":443}]`,
			check: func(t *testing.T, a API) {
				resp, err := a.DescribeHostDdosInstanceList(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				if got := resp.InstanceList[0].VirtualPort; got != "443" {
					t.Errorf("VirtualPort %q, want 443", got)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(http.StatusOK, okEnvelope(tc.fields)), nil)
			tc.check(t, env.api(t))
		})
	}
}

func TestFailedCallsBecomeTypedErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name          string
		status        int
		body          string
		wantCode      string
		wantRequestID string
		wantStatus    int
		wantClass     Class
	}{
		{
			name: "An error envelope keeps its code and RequestId", status: http.StatusOK,
			body:     errEnvelope(CodeCertificateNotFound, "The certificate does not exist.", "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"),
			wantCode: CodeCertificateNotFound, wantRequestID: "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6", wantClass: ClassNotFound,
		},
		{
			name: "A signature failure is terminal", status: http.StatusOK,
			body:     errEnvelope("AuthFailure.SignatureFailure", "The provided credentials could not be validated.", "r-1"),
			wantCode: "AuthFailure.SignatureFailure", wantRequestID: "r-1", wantClass: ClassTerminal,
		},
		{
			name: "A pending deployment means waiting", status: http.StatusOK,
			body:     errEnvelope(CodeCertificateDeployPending, "A deployment task is running.", "r-2"),
			wantCode: CodeCertificateDeployPending, wantRequestID: "r-2", wantClass: ClassWaiting,
		},
		{
			name: "An error envelope on a 5xx answer keeps its code", status: http.StatusServiceUnavailable,
			body:     errEnvelope("InternalError", "internal", "r-3"),
			wantCode: "InternalError", wantRequestID: "r-3", wantClass: ClassTransient,
		},
		{
			name: "A 502 page from a proxy is transient", status: http.StatusBadGateway,
			body:     "<html>bad gateway</html>",
			wantCode: CodeClientHTTPStatus, wantStatus: http.StatusBadGateway, wantClass: ClassTransient,
		},
		{
			name: "A 404 without an envelope means a wrong endpoint", status: http.StatusNotFound,
			body:     "not found",
			wantCode: CodeClientHTTPStatus, wantStatus: http.StatusNotFound, wantClass: ClassTerminal,
		},
		{
			name: "A 200 that is not JSON is transient", status: http.StatusOK,
			body:     "garbage",
			wantCode: CodeClientParse, wantClass: ClassTransient,
		},
		{
			name: "A 200 without a Response object is transient", status: http.StatusOK,
			body:     `{"Other":{}}`,
			wantCode: CodeClientParse, wantClass: ClassTransient,
		},
		{
			name: "A field of the wrong type fails decoding but keeps the RequestId", status: http.StatusOK,
			body:     `{"Response":{"CertificateId":{"nested":true},"RequestId":"r-4"}}`,
			wantCode: CodeClientParse, wantRequestID: "r-4", wantClass: ClassTransient,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(tc.status, tc.body), nil)
			_, err := env.api(t).UploadCertificate(ctx, &UploadCertificateRequest{CertificatePublicKey: "c"})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not *Error", err, err)
			}
			if e.Action != "UploadCertificate" || e.Code != tc.wantCode || e.RequestID != tc.wantRequestID || e.HTTPStatus != tc.wantStatus {
				t.Errorf("got Action=%q Code=%q RequestID=%q HTTPStatus=%d, want UploadCertificate %q %q %d", e.Action, e.Code, e.RequestID, e.HTTPStatus, tc.wantCode, tc.wantRequestID, tc.wantStatus)
			}
			if got := Classify(err); got != tc.wantClass {
				t.Errorf("Classify = %s, want %s", got, tc.wantClass)
			}
			if Code(err) != tc.wantCode || RequestID(err) != tc.wantRequestID {
				t.Errorf("Code/RequestID helpers = %q/%q", Code(err), RequestID(err))
			}
			if strings.Contains(err.Error(), "<html>") || strings.Contains(err.Error(), "garbage") {
				t.Errorf("error %q quotes the response body", err)
			}
		})
	}
}

func TestTransportFailuresAreTransient(t *testing.T) {
	t.Run("A refused connection is a network error", func(t *testing.T) {
		env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
		api := env.api(t)
		env.cloud.srv.Close()
		_, err := api.DescribeCertificates(context.Background(), nil)
		if Code(err) != CodeClientNetwork || Classify(err) != ClassTransient || RequestID(err) != "" {
			t.Fatalf("got %v (code %q, class %s)", err, Code(err), Classify(err))
		}
	})
	t.Run("A server slower than the timeout is a timeout", func(t *testing.T) {
		block := make(chan struct{})
		env := newTestEnv(t, func(int, recordedRequest) (int, string) {
			<-block
			return http.StatusOK, okEnvelope("")
		}, func(o *FactoryOptions) { o.Timeout = 20 * time.Millisecond })
		// Registered after the server so it runs before the server's Close.
		t.Cleanup(func() { close(block) })
		_, err := env.api(t).DescribeCertificates(context.Background(), nil)
		if Code(err) != CodeClientTimeout || Classify(err) != ClassTransient || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v (code %q, class %s)", err, Code(err), Classify(err))
		}
	})
	t.Run("A canceled context stops the call before sending", func(t *testing.T) {
		env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := env.api(t).DescribeCertificates(ctx, nil)
		if Code(err) != CodeClientCanceled || !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if n := len(env.cloud.recorded()); n != 0 {
			t.Errorf("%d requests sent, want 0", n)
		}
	})
}
