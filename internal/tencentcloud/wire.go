package tencentcloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// The request and response shapes below carry only the fields the operator sends and reads,
// under the reference's JSON names and types. Optional request fields are omitted when empty.
// Integers in responses are flexInt because the service sends some of them as strings.

// wireTag is a certificate tag on the wire (reference type Tags).
type wireTag struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

// uploadCertificateRequest holds the private key; its formatted and logged forms redact it.
type uploadCertificateRequest struct {
	CertificatePublicKey  string    `json:"CertificatePublicKey"`
	CertificatePrivateKey string    `json:"CertificatePrivateKey,omitempty"`
	CertificateType       string    `json:"CertificateType,omitempty"`
	Alias                 string    `json:"Alias,omitempty"`
	ProjectId             flexInt   `json:"ProjectId,omitempty"`
	Tags                  []wireTag `json:"Tags,omitempty"`
	// Repeatable false answers a duplicate with the existing certificate's ID; the service
	// defaults to true.
	Repeatable *bool `json:"Repeatable,omitempty"`
}

type uploadCertificateResponse struct {
	CertificateId string `json:"CertificateId"`
	// RepeatCertId is the existing identical certificate, if any.
	RepeatCertId string `json:"RepeatCertId"`
	RequestId    string `json:"RequestId"`
}

type checkCertificateExistRequest struct {
	CertificatePublicKey string `json:"CertificatePublicKey"`
}

type checkCertificateExistResponse struct {
	RepeatCertId string `json:"RepeatCertId"`
	RequestId    string `json:"RequestId"`
}

type certificateIDRequest struct {
	CertificateId string `json:"CertificateId"`
}

// describeCertificateDetailResponse deliberately has no private key field, so the key in
// the answer is never decoded.
type describeCertificateDetailResponse struct {
	CertificateId string  `json:"CertificateId"`
	Status        flexInt `json:"Status"`
	Domain        string  `json:"Domain"`
	// SubjectAltName may or may not include Domain.
	SubjectAltName       []string `json:"SubjectAltName"`
	CertBeginTime        *string  `json:"CertBeginTime"`
	CertEndTime          *string  `json:"CertEndTime"`
	CertificatePublicKey *string  `json:"CertificatePublicKey"`
	RequestId            string   `json:"RequestId"`
}

type describeCertificatesRequest struct {
	Offset  flexInt   `json:"Offset,omitempty"`
	Limit   flexInt   `json:"Limit,omitempty"`
	CertIds []string  `json:"CertIds,omitempty"`
	Tags    []wireTag `json:"Tags,omitempty"`
}

type describeCertificatesResponse struct {
	TotalCount   flexInt `json:"TotalCount"`
	Certificates []struct {
		CertificateId string    `json:"CertificateId"`
		Tags          []wireTag `json:"Tags"`
	} `json:"Certificates"`
	RequestId string `json:"RequestId"`
}

type modifyExpiringNotificationSwitchRequest struct {
	CertificateIds []string `json:"CertificateIds"`
	// SwitchStatus 1 ignores the expiry notifications.
	SwitchStatus flexInt `json:"SwitchStatus"`
}

// requestIDResponse is the answer of actions whose other fields the operator ignores.
type requestIDResponse struct {
	RequestId string `json:"RequestId"`
}

type modifyCertificateAliasRequest struct {
	CertificateId string `json:"CertificateId"`
	Alias         string `json:"Alias"`
}

type modifyCertificateProjectRequest struct {
	CertificateIdList []string `json:"CertificateIdList"`
	ProjectId         flexInt  `json:"ProjectId"`
}

type modifyCertificateProjectResponse struct {
	SuccessCertificates []string `json:"SuccessCertificates"`
	FailCertificates    []string `json:"FailCertificates"`
	RequestId           string   `json:"RequestId"`
}

// deleteCertificateRequest: IsCheckResource true makes the deletion a task that checks the
// certificate's bindings first.
type deleteCertificateRequest struct {
	CertificateId   string `json:"CertificateId"`
	IsCheckResource bool   `json:"IsCheckResource"`
}

type deleteCertificateResponse struct {
	DeleteResult bool    `json:"DeleteResult"`
	TaskId       *string `json:"TaskId"`
	RequestId    string  `json:"RequestId"`
}

// taskIDsRequest names tasks by ID, at most 100.
type taskIDsRequest struct {
	TaskIds []string `json:"TaskIds"`
}

type deleteTaskResultResponse struct {
	DeleteTaskResult []struct {
		TaskId string  `json:"TaskId"`
		CertId string  `json:"CertId"`
		Status flexInt `json:"Status"`
		Error  string  `json:"Error"`
	} `json:"DeleteTaskResult"`
	RequestId string `json:"RequestId"`
}

type createBindTaskRequest struct {
	CertificateIds []string `json:"CertificateIds"`
	// IsCache 0 starts a new query instead of answering from one up to half an hour old.
	IsCache int `json:"IsCache"`
}

type createBindTaskResponse struct {
	CertTaskIds []struct {
		CertId string `json:"CertId"`
		TaskId string `json:"TaskId"`
	} `json:"CertTaskIds"`
	RequestId string `json:"RequestId"`
}

// bindTaskDetailRequest: Limit and Offset are Strings on the wire.
type bindTaskDetailRequest struct {
	TaskId        string   `json:"TaskId"`
	Limit         string   `json:"Limit"`
	Offset        string   `json:"Offset"`
	ResourceTypes []string `json:"ResourceTypes,omitempty"`
	Regions       []string `json:"Regions,omitempty"`
}

// bindTaskDetailResponse carries the types only the bound-resource query reports.
type bindTaskDetailResponse struct {
	Status flexInt `json:"Status"`
	TSE    []struct {
		Region       string  `json:"Region"`
		TotalCount   flexInt `json:"TotalCount"`
		Error        *string `json:"Error"`
		InstanceList []struct {
			GatewayId       string `json:"GatewayId"`
			CertificateList []struct {
				Id     string `json:"Id"`
				CertId string `json:"CertId"`
			} `json:"CertificateList"`
		} `json:"InstanceList"`
	} `json:"TSE"`
	TCB []struct {
		Region       string  `json:"Region"`
		Error        *string `json:"Error"`
		Environments []struct {
			Environment struct {
				ID string `json:"ID"`
			} `json:"Environment"`
			AccessService tcbService `json:"AccessService"`
			HostService   tcbService `json:"HostService"`
		} `json:"Environments"`
	} `json:"TCB"`
	RequestId string `json:"RequestId"`
}

// tcbService lists a TCB environment's domains; a domain's certificate shows as
// OldCertificateId.
type tcbService struct {
	InstanceList []struct {
		Domain           string `json:"Domain"`
		OldCertificateId string `json:"OldCertificateId"`
	} `json:"InstanceList"`
}

// instanceListRequest is the request of the DescribeHost*InstanceList calls. IsCache 0 asks
// for fresh data. Offset is a number, except for API Gateway, which takes a string.
type instanceListRequest struct {
	CertificateId string `json:"CertificateId"`
	IsCache       int    `json:"IsCache"`
	ResourceType  string `json:"ResourceType,omitempty"`
	Offset        any    `json:"Offset,omitempty"`
	Limit         int    `json:"Limit,omitempty"`
}

// instanceList is one page of a DescribeHost*InstanceList answer.
type instanceList[T any] struct {
	TotalCount   flexInt `json:"TotalCount"`
	InstanceList []T     `json:"InstanceList"`
	RequestId    string  `json:"RequestId"`
}

// listedInstance holds the fields of the flat instance lists (cdn, waf, live, vod, teo, cos,
// ddos, apigateway); each type fills some of them.
type listedInstance struct {
	Domain      string     `json:"Domain"`
	Host        string     `json:"Host"`
	CertId      string     `json:"CertId"`
	Bucket      string     `json:"Bucket"`
	Region      string     `json:"Region"`
	InstanceId  string     `json:"InstanceId"`
	VirtualPort flexString `json:"VirtualPort"`
	ServiceId   string     `json:"ServiceId"`
}

type clbInstance struct {
	LoadBalancerId string `json:"LoadBalancerId"`
	Listeners      []struct {
		ListenerId  string   `json:"ListenerId"`
		SniSwitch   flexInt  `json:"SniSwitch"`
		Certificate *clbCert `json:"Certificate"`
		Rules       []struct {
			Domain      string   `json:"Domain"`
			Certificate *clbCert `json:"Certificate"`
		} `json:"Rules"`
	} `json:"Listeners"`
}

type clbCert struct {
	CertId string `json:"CertId"`
}

func (c *clbCert) id() string {
	if c == nil {
		return ""
	}
	return c.CertId
}

type tkeInstance struct {
	ClusterId     string `json:"ClusterId"`
	NamespaceList []struct {
		Name       string `json:"Name"`
		SecretList []struct {
			Name   string `json:"Name"`
			CertId string `json:"CertId"`
		} `json:"SecretList"`
	} `json:"NamespaceList"`
}

type deployCertificateInstanceRequest struct {
	CertificateId  string   `json:"CertificateId"`
	InstanceIdList []string `json:"InstanceIdList"`
	ResourceType   string   `json:"ResourceType,omitempty"`
	// IsCache 0 validates against live instance data: the cache Tencent keeps by default is
	// up to half an hour old and refuses listeners and domains created since.
	IsCache int `json:"IsCache"`
}

// taskResponse is the answer of the calls that create a task.
type taskResponse struct {
	DeployRecordId flexInt `json:"DeployRecordId"`
	// DeployStatus 0 means a task was already running and DeployRecordId is its ID.
	DeployStatus flexInt `json:"DeployStatus"`
	RequestId    string  `json:"RequestId"`
}

type resourceTypeRegions struct {
	ResourceType string   `json:"ResourceType"`
	Regions      []string `json:"Regions"`
}

type updateCertificateInstanceRequest struct {
	OldCertificateId     string                `json:"OldCertificateId"`
	ResourceTypes        []string              `json:"ResourceTypes"`
	CertificateId        string                `json:"CertificateId,omitempty"`
	ResourceTypesRegions []resourceTypeRegions `json:"ResourceTypesRegions,omitempty"`
}

// recordIDRequest names a record for a retry or a rollback.
type recordIDRequest struct {
	DeployRecordId flexInt `json:"DeployRecordId"`
}

// deployRecordDetailRequest: DeployRecordId is a String on the wire, the paging numbers.
type deployRecordDetailRequest struct {
	DeployRecordId string `json:"DeployRecordId"`
	Offset         int    `json:"Offset,omitempty"`
	Limit          int    `json:"Limit"`
}

type deployRecordDetailResponse struct {
	TotalCount             flexInt      `json:"TotalCount"`
	DeployRecordDetailList []recordItem `json:"DeployRecordDetailList"`
	RequestId              string       `json:"RequestId"`
}

// updateRecordDetailRequest: all three fields are Strings on the wire.
type updateRecordDetailRequest struct {
	DeployRecordId string `json:"DeployRecordId"`
	Limit          string `json:"Limit"`
	Offset         string `json:"Offset"`
}

// updateRecordDetailResponse groups items by resource type.
type updateRecordDetailResponse struct {
	TotalCount       flexInt `json:"TotalCount"`
	RecordDetailList []struct {
		ResourceType string       `json:"ResourceType"`
		List         []recordItem `json:"List"`
	} `json:"RecordDetailList"`
	RequestId string `json:"RequestId"`
}

// recordItem is one target of a deployment or update record.
type recordItem struct {
	CertId       string     `json:"CertId"`
	OldCertId    string     `json:"OldCertId"`
	ResourceType string     `json:"ResourceType"`
	InstanceId   string     `json:"InstanceId"`
	ListenerId   string     `json:"ListenerId"`
	Domains      stringList `json:"Domains"`
	Status       flexInt    `json:"Status"`
	ErrorMsg     string     `json:"ErrorMsg"`
	SniSwitch    flexInt    `json:"SniSwitch"`
	Bucket       string     `json:"Bucket"`
	Namespace    string     `json:"Namespace"`
	SecretName   string     `json:"SecretName"`
	Port         flexInt    `json:"Port"`
	EnvId        string     `json:"EnvId"`
	TCBType      string     `json:"TCBType"`
	Region       string     `json:"Region"`
}

// flexInt is an integer that marshals as a JSON number and unmarshals from a number, a
// numeric string ("443"), an empty string (0) or null (left unchanged): the reference's
// examples send numbers as strings in many places.
type flexInt int64

func (n flexInt) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, int64(n), 10), nil
}

func (n *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = flexInt(v)
		return nil
	}
	// Integral numbers written in float or exponent form (1e3, 443.0).
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt64 {
		return errors.New("tencentcloud: expected an integer or a numeric string")
	}
	*n = flexInt(f)
	return nil
}

// flexString is a string that unmarshals from a string, a number (its literal text), a
// boolean, null (left unchanged) or an array of strings (joined with ","), for fields
// documented as String whose examples carry other types.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return errors.New("tencentcloud: empty JSON value")
	}
	switch b[0] {
	case 'n':
		return nil
	case '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case '[':
		var v []string
		if err := json.Unmarshal(b, &v); err != nil {
			return errors.New("tencentcloud: expected a string or an array of strings")
		}
		*s = flexString(strings.Join(v, ","))
	case 't', 'f':
		var v bool
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(strconv.FormatBool(v))
	default:
		var v json.Number
		if err := json.Unmarshal(b, &v); err != nil {
			return errors.New("tencentcloud: expected a string or a number")
		}
		*s = flexString(v.String())
	}
	return nil
}

// stringList is a list of strings that also unmarshals from a single string (a one-element
// list) or null.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		if v == "" {
			*l = nil
			return nil
		}
		*l = stringList{v}
		return nil
	}
	var v []string
	if err := json.Unmarshal(b, &v); err != nil {
		return errors.New("tencentcloud: expected an array of strings or a string")
	}
	*l = v
	return nil
}

// beijing is the fixed UTC+8 zone of the service's plain "YYYY-MM-DD HH:MM:SS" times.
var beijing = time.FixedZone("UTC+8", 8*60*60)

// parseTime reads a certificate's validity time; nil when absent or unreadable.
func parseTime(s *string) *time.Time {
	if s == nil {
		return nil
	}
	t, err := time.ParseInLocation(time.DateTime, strings.TrimSpace(*s), beijing)
	if err != nil {
		return nil
	}
	return &t
}
