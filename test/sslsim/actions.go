package sslsim

// actionFunc handles one API action's JSON body.
type actionFunc func(s *Simulator, c *call, body []byte) (any, *apiError)

// act adapts a typed handler: the body is decoded strictly into P first.
func act[P any](fn func(*Simulator, *call, *P) (any, *apiError)) actionFunc {
	return func(s *Simulator, c *call, body []byte) (any, *apiError) {
		p := new(P)
		if aerr := decodeParams(body, p); aerr != nil {
			return nil, aerr
		}
		return fn(s, c, p)
	}
}

// actions are the simulated actions; any other action is InvalidAction.
var actions = map[string]actionFunc{
	"UploadCertificate":                            act(uploadCertificate),
	"CheckCertificateExist":                        act(checkCertificateExist),
	"DescribeCertificateDetail":                    act(describeCertificateDetail),
	"DescribeCertificates":                         act(describeCertificates),
	"ModifyCertificateAlias":                       act(modifyCertificateAlias),
	"ModifyCertificateProject":                     act(modifyCertificateProject),
	"ModifyCertificatesExpiringNotificationSwitch": act(modifyCertificatesExpiringNotificationSwitch),
	"DeleteCertificate":                            act(deleteCertificate),
	"DescribeDeleteCertificatesTaskResult":         act(describeDeleteCertificatesTaskResult),

	"DeployCertificateInstance":       act(deployCertificateInstance),
	"DescribeHostDeployRecord":        act(describeHostDeployRecord),
	"DescribeHostDeployRecordDetail":  act(describeHostDeployRecordDetail),
	"DeployCertificateRecordRetry":    act(deployCertificateRecordRetry),
	"DeployCertificateRecordRollback": act(deployCertificateRecordRollback),

	"UpdateCertificateInstance":       act(updateCertificateInstance),
	"DescribeHostUpdateRecord":        act(describeHostUpdateRecord),
	"DescribeHostUpdateRecordDetail":  act(describeHostUpdateRecordDetail),
	"UpdateCertificateRecordRetry":    act(updateCertificateRecordRetry),
	"UpdateCertificateRecordRollback": act(updateCertificateRecordRollback),

	"UploadUpdateCertificateInstance":       act(uploadUpdateCertificateInstance),
	"DescribeHostUploadUpdateRecord":        act(describeHostUploadUpdateRecord),
	"DescribeHostUploadUpdateRecordDetail":  act(describeHostUploadUpdateRecordDetail),
	"UploadUpdateCertificateRecordRetry":    act(uploadUpdateCertificateRecordRetry),
	"UploadUpdateCertificateRecordRollback": act(uploadUpdateCertificateRecordRollback),

	"DescribeDeployedResources":                 act(describeDeployedResources),
	"CreateCertificateBindResourceSyncTask":     act(createCertificateBindResourceSyncTask),
	"DescribeCertificateBindResourceTaskResult": act(describeCertificateBindResourceTaskResult),
	"DescribeCertificateBindResourceTaskDetail": act(describeCertificateBindResourceTaskDetail),
	"DescribeHostClbInstanceList":               act(describeHostClbInstanceList),
	"DescribeHostCdnInstanceList":               act(describeHostCdnInstanceList),
	"DescribeHostTkeInstanceList":               act(describeHostTkeInstanceList),
	"DescribeHostTeoInstanceList":               act(describeHostTeoInstanceList),
	"DescribeHostWafInstanceList":               act(describeHostWafInstanceList),
	"DescribeHostLiveInstanceList":              act(describeHostLiveInstanceList),
	"DescribeHostVodInstanceList":               act(describeHostVodInstanceList),
	"DescribeHostDdosInstanceList":              act(describeHostDdosInstanceList),
	"DescribeHostCosInstanceList":               act(describeHostCosInstanceList),
	"DescribeHostApiGatewayInstanceList":        act(describeHostApiGatewayInstanceList),
	"DescribeHostLighthouseInstanceList":        act(describeHostLighthouseInstanceList),
}
