package sslsim

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// ownerUin is the simulated account's root UIN.
const ownerUin = "100012345678"

// parseUpload validates a certificate (and key) the way UploadCertificate does.
func parseUpload(publicKey, privateKey, certType string) (certContent, *apiError) {
	if certType != "CA" && certType != "SVR" {
		return certContent{}, errorf(CodeInvalidParameterValue, "CertificateType must be CA or SVR.")
	}
	chain, aerr := parseCertificateChain(publicKey)
	if aerr != nil {
		return certContent{}, aerr
	}
	leaf := chain[0]
	if certType == "CA" && !leaf.IsCA {
		return certContent{}, errorf(CodeCertificateCaError, "The certificate is not a CA certificate; check the certificate type.")
	}
	// A CA certificate uploaded as SVR is accepted: self-signed server
	// certificates often carry CA:TRUE, and the SVR key requirement below
	// still catches a CA bundle uploaded by mistake.
	if certType == "SVR" && strings.TrimSpace(privateKey) == "" {
		return certContent{}, errorf(CodeMissMatchPrivateKey, "A server (SVR) certificate needs its private key.")
	}
	if strings.TrimSpace(privateKey) != "" {
		key, aerr := parsePrivateKey(privateKey)
		if aerr != nil {
			return certContent{}, aerr
		}
		if !keyMatches(leaf, key) {
			return certContent{}, errorf(CodeCertificateMatchError, "The certificate and the private key do not match.")
		}
	}
	return certContent{CertificatePEM: publicKey, PrivateKeyPEM: privateKey, Info: inspectChain(chain)}, nil
}

// identical returns the oldest certificate with the same leaf: Tencent
// compares certificates by fingerprint, so a re-upload of the same leaf
// with another chain or alias is "identical" too.
func (st *store) identical(fingerprint string) *certificate {
	for _, c := range st.Certificates {
		if c.Info.Fingerprint == fingerprint {
			return c
		}
	}
	return nil
}

// addCertificate stores uploaded content under a new ID.
func (s *Simulator) addCertificate(content certContent, certType string, now time.Time) *certificate {
	c := &certificate{
		ID:             s.st.newCertificateID(),
		Type:           certType,
		CertificatePEM: content.CertificatePEM,
		PrivateKeyPEM:  content.PrivateKeyPEM,
		Info:           content.Info,
		InsertTime:     now,
	}
	s.st.Certificates = append(s.st.Certificates, c)
	return c
}

type uploadCertificateParams struct {
	CertificatePublicKey  string  `json:"CertificatePublicKey" required:"true"`
	CertificatePrivateKey string  `json:"CertificatePrivateKey"`
	CertificateType       string  `json:"CertificateType"`
	Alias                 string  `json:"Alias"`
	ProjectId             flexInt `json:"ProjectId"`
	CertificateUse        string  `json:"CertificateUse"`
	Tags                  []Tag   `json:"Tags"`
	Repeatable            *bool   `json:"Repeatable"`
}

func uploadCertificate(s *Simulator, c *call, p *uploadCertificateParams) (any, *apiError) {
	certType := orDefault(p.CertificateType, "SVR")
	content, aerr := parseUpload(p.CertificatePublicKey, p.CertificatePrivateKey, certType)
	if aerr != nil {
		return nil, aerr
	}
	// With Repeatable=false a duplicate answers success with the existing
	// ID in both fields, as the documented example does, rather than
	// CertificateExists; clients must not assume a new ID.
	if p.Repeatable != nil && !*p.Repeatable {
		if dup := s.st.identical(content.Info.Fingerprint); dup != nil {
			return map[string]any{"CertificateId": dup.ID, "RepeatCertId": dup.ID}, nil
		}
	}
	cert := s.addCertificate(content, certType, c.now)
	cert.Alias = p.Alias
	cert.ProjectID = p.ProjectId.or(0)
	cert.CertificateUse = p.CertificateUse
	cert.Tags = p.Tags
	return map[string]any{"CertificateId": cert.ID, "RepeatCertId": ""}, nil
}

type checkCertificateExistParams struct {
	CertificatePublicKey string `json:"CertificatePublicKey" required:"true"`
}

func checkCertificateExist(s *Simulator, _ *call, p *checkCertificateExistParams) (any, *apiError) {
	chain, aerr := parseCertificateChain(p.CertificatePublicKey)
	if aerr != nil {
		return nil, aerr
	}
	id := ""
	if dup := s.st.identical(fingerprint(chain[0])); dup != nil {
		id = dup.ID
	}
	return map[string]any{"RepeatCertId": id}, nil
}

// status is the certificate status code: uploaded certificates are issued
// (1) until they expire (3).
func (c *certificate) status(now time.Time) int {
	if c.Status != nil {
		return *c.Status
	}
	if now.After(c.Info.NotAfter) {
		return 3
	}
	return 1
}

func statusName(status int) string {
	switch status {
	case 0:
		return "审核中"
	case 3:
		return "已过期"
	}
	return "证书已颁发"
}

func (c *certificate) isWildcard() bool {
	return slices.ContainsFunc(c.Info.DNSNames, func(n string) bool { return strings.HasPrefix(n, "*.") })
}

// domainType is 1 single, 2 multi-domain, 3 wildcard, 4 multi-wildcard.
func (c *certificate) domainType() int {
	multi := len(c.Info.DNSNames) > 1
	switch {
	case c.isWildcard() && multi:
		return 4
	case c.isWildcard():
		return 3
	case multi:
		return 2
	default:
		return 1
	}
}

// validityMonths is ValidityPeriod: the validity in months, rounded.
func (c *certificate) validityMonths() string {
	days := c.Info.NotAfter.Sub(c.Info.NotBefore).Hours() / 24
	return strconv.Itoa(int(days/30 + 0.5))
}

func (c *certificate) tags() []Tag { return nonNil(c.Tags) }

// sansWithoutMain lists the SANs other than the main domain: the
// DescribeCertificateDetail page documents SubjectAltName that way, while
// DescribeCertificates includes the main domain. Clients must union both.
func (c *certificate) sansWithoutMain() []string {
	out := []string{}
	for _, n := range c.Info.DNSNames {
		if !strings.EqualFold(n, c.Info.Domain) {
			out = append(out, n)
		}
	}
	return out
}

type certificateIDParams struct {
	CertificateId string `json:"CertificateId" required:"true"`
}

func describeCertificateDetail(s *Simulator, c *call, p *certificateIDParams) (any, *apiError) {
	cert := s.st.certificate(p.CertificateId)
	if cert == nil {
		return nil, certificateNotFound(p.CertificateId)
	}
	status := cert.status(c.now)
	var privateKey any
	if cert.PrivateKeyPEM != "" {
		// The key is never returned; the documented examples mask it too.
		privateKey = "*******"
	}
	chain := []map[string]string{}
	for _, cc := range cert.Info.Chain {
		chain = append(chain, map[string]string{
			"Issuer": cc.Issuer, "Subject": cc.Subject, "Fingerprint": cc.Fingerprint,
			"ValidFrom": plainTime(cc.NotBefore), "ValidTo": plainTime(cc.NotAfter),
		})
	}
	return map[string]any{
		"OwnerUin":               ownerUin,
		"ProjectId":              strconv.FormatInt(cert.ProjectID, 10),
		"From":                   "upload",
		"CertificateType":        cert.Type,
		"PackageType":            nil,
		"ProductZhName":          "",
		"Domain":                 cert.Info.Domain,
		"Alias":                  cert.Alias,
		"Status":                 status,
		"StatusMsg":              nil,
		"VerifyType":             nil,
		"VulnerabilityStatus":    "INACTIVE",
		"CertBeginTime":          plainTime(cert.Info.NotBefore),
		"CertEndTime":            plainTime(cert.Info.NotAfter),
		"ValidityPeriod":         cert.validityMonths(),
		"InsertTime":             plainTime(cert.InsertTime),
		"OrderId":                nil,
		"CertificateExtra":       certificateExtra(cert),
		"CertificatePrivateKey":  privateKey,
		"CertificatePublicKey":   cert.CertificatePEM,
		"DvAuthDetail":           nil,
		"VulnerabilityReport":    nil,
		"CertificateId":          cert.ID,
		"TypeName":               nil,
		"StatusName":             statusName(status),
		"SubjectAltName":         cert.sansWithoutMain(),
		"IsVip":                  false,
		"IsWildcard":             cert.isWildcard(),
		"IsDv":                   false,
		"IsVulnerability":        false,
		"SubmittedData":          nil,
		"RenewAble":              false,
		"Deployable":             cert.Type == "SVR",
		"Tags":                   cert.tags(),
		"RootCert":               map[string]any{"Sign": nil, "Encrypt": nil, "Standard": nil},
		"EncryptCert":            nil,
		"EncryptPrivateKey":      nil,
		"CertFingerprint":        cert.Info.Fingerprint,
		"EncryptCertFingerprint": nil,
		"EncryptAlgorithm":       cert.Info.KeyAlgorithm,
		"DvRevokeAuthDetail":     []any{},
		"CertChainInfo":          chain,
		"DomainType":             cert.domainType(),
		"CertType":               "DV",
	}, nil
}

func certificateExtra(cert *certificate) map[string]any {
	return map[string]any{
		"DomainNumber":        strconv.Itoa(len(cert.Info.DNSNames)),
		"OriginCertificateId": nil,
		"ReplacedBy":          nil,
		"ReplacedFor":         nil,
		"RenewOrder":          nil,
		"SMCert":              0,
		"CompanyType":         0,
	}
}

func certificateNotFound(id string) *apiError {
	return errorf(CodeCertificateNotFound, "The certificate %q does not exist.", id)
}

type describeCertificatesParams struct {
	Offset            flexInt   `json:"Offset"`
	Limit             flexInt   `json:"Limit"`
	SearchKey         string    `json:"SearchKey"`
	CertificateType   string    `json:"CertificateType"`
	ProjectId         flexInt   `json:"ProjectId"`
	ExpirationSort    string    `json:"ExpirationSort"`
	CertificateStatus []flexInt `json:"CertificateStatus"`
	Deployable        flexInt   `json:"Deployable"`
	Upload            flexInt   `json:"Upload"`
	Renew             flexInt   `json:"Renew"`
	FilterSource      string    `json:"FilterSource"`
	IsSM              flexInt   `json:"IsSM"`
	FilterExpiring    flexInt   `json:"FilterExpiring"`
	Hostable          flexInt   `json:"Hostable"`
	Tags              []Tag     `json:"Tags"`
	IsPendingIssue    flexInt   `json:"IsPendingIssue"`
	CertIds           []string  `json:"CertIds"`
}

// expiringWindow is when a certificate counts as "about to expire".
const expiringWindow = 30 * 24 * time.Hour

func describeCertificates(s *Simulator, c *call, p *describeCertificatesParams) (any, *apiError) {
	if p.ExpirationSort != "" && p.ExpirationSort != "ASC" && p.ExpirationSort != "DESC" {
		return nil, errorf(CodeInvalidParameterValue, "ExpirationSort must be ASC or DESC.")
	}
	var matched []*certificate
	for i := len(s.st.Certificates) - 1; i >= 0; i-- { // newest first
		cert := s.st.Certificates[i]
		if p.matches(cert, c.now) {
			matched = append(matched, cert)
		}
	}
	switch p.ExpirationSort {
	case "ASC":
		slices.SortStableFunc(matched, func(a, b *certificate) int { return a.Info.NotAfter.Compare(b.Info.NotAfter) })
	case "DESC":
		slices.SortStableFunc(matched, func(a, b *certificate) int { return b.Info.NotAfter.Compare(a.Info.NotAfter) })
	}
	list := []map[string]any{}
	for _, cert := range page(matched, p.Offset, p.Limit, 10, 1000) {
		list = append(list, certificateSummary(cert, c.now))
	}
	return map[string]any{"TotalCount": len(matched), "Certificates": list}, nil
}

func (p *describeCertificatesParams) matches(cert *certificate, now time.Time) bool {
	if key := strings.ToLower(p.SearchKey); key != "" &&
		!strings.Contains(strings.ToLower(cert.ID), key) &&
		!strings.Contains(strings.ToLower(cert.Alias), key) &&
		!strings.Contains(strings.ToLower(cert.Info.Domain), key) {
		return false
	}
	if p.CertificateType != "" && p.CertificateType != cert.Type {
		return false
	}
	if p.ProjectId.Set && p.ProjectId.Value != cert.ProjectID {
		return false
	}
	if len(p.CertificateStatus) > 0 && !slices.ContainsFunc(p.CertificateStatus, func(v flexInt) bool {
		return v.Value == int64(cert.status(now))
	}) {
		return false
	}
	if p.Deployable.Set && (p.Deployable.Value == 1) != (cert.Type == "SVR") {
		return false
	}
	// Uploaded certificates are never renewable, SM, pending issue or bought.
	if p.Renew.Value == 1 || p.IsSM.Value == 1 || p.IsPendingIssue.Value == 1 || p.FilterSource == "buy" {
		return false
	}
	if p.FilterExpiring.Value == 1 && cert.Info.NotAfter.Sub(now) > expiringWindow {
		return false
	}
	for _, t := range p.Tags {
		if !slices.Contains(cert.Tags, t) {
			return false
		}
	}
	if len(p.CertIds) > 0 && !slices.Contains(p.CertIds, cert.ID) {
		return false
	}
	return true
}

// certificateSummary renders a Certificates item.
func certificateSummary(cert *certificate, now time.Time) map[string]any {
	status := cert.status(now)
	project := strconv.FormatInt(cert.ProjectID, 10)
	return map[string]any{
		"OwnerUin":            ownerUin,
		"ProjectId":           project,
		"From":                "upload",
		"PackageType":         nil,
		"CertificateType":     cert.Type,
		"ProductZhName":       "",
		"Domain":              cert.Info.Domain,
		"Alias":               cert.Alias,
		"Status":              status,
		"CertificateExtra":    certificateExtra(cert),
		"VulnerabilityStatus": "INACTIVE",
		"StatusMsg":           "",
		"VerifyType":          "",
		"CertBeginTime":       plainTime(cert.Info.NotBefore),
		"CertEndTime":         plainTime(cert.Info.NotAfter),
		"ValidityPeriod":      cert.validityMonths(),
		"InsertTime":          plainTime(cert.InsertTime),
		"CertificateId":       cert.ID,
		"SubjectAltName":      nonNil(cert.Info.DNSNames),
		"PackageTypeName":     "",
		"StatusName":          statusName(status),
		"IsVip":               false,
		"IsDv":                false,
		"IsWildcard":          cert.isWildcard(),
		"IsVulnerability":     false,
		"RenewAble":           false,
		"ProjectInfo": map[string]any{
			"ProjectName": "默认项目", "ProjectCreatorUin": 0, "ProjectCreateTime": "0000-00-00 00:00:00",
			"ProjectResume": "默认项目", "OwnerUin": 0, "ProjectId": project,
		},
		"BoundResource":            []string{},
		"Deployable":               cert.Type == "SVR",
		"Tags":                     cert.tags(),
		"IsIgnore":                 cert.IgnoreExpiry,
		"IsSM":                     false,
		"EncryptAlgorithm":         cert.Info.KeyAlgorithm,
		"CAEncryptAlgorithms":      []string{},
		"CAEndTimes":               []string{},
		"CACommonNames":            []string{},
		"PreAuditInfo":             nil,
		"AutoRenewFlag":            0,
		"HostingStatus":            -1,
		"HostingCompleteTime":      "",
		"HostingRenewCertId":       "",
		"HasRenewOrder":            "",
		"ReplaceOriCertIsDelete":   false,
		"IsExpiring":               cert.Info.NotAfter.Sub(now) <= expiringWindow,
		"DVAuthDeadline":           "",
		"ValidationPassedTime":     "--",
		"CertSANs":                 nonNil(cert.Info.DNSNames),
		"AwaitingValidationMsg":    "",
		"AllowDownload":            cert.AllowDownload,
		"IsDNSPODResolve":          false,
		"IsPackage":                false,
		"KeyPasswordCustomFlag":    false,
		"SupportDownloadType":      map[string]bool{"NGINX": true, "APACHE": true, "TOMCAT": true, "IIS": true, "JKS": true, "OTHER": true, "ROOT": false},
		"CertRevokedTime":          "",
		"HostingResourceTypes":     []string{},
		"HostingConfig":            nil,
		"IsHostingUploadRenewCert": false,
	}
}

type modifyCertificateAliasParams struct {
	CertificateId string `json:"CertificateId" required:"true"`
	Alias         string `json:"Alias"`
}

func modifyCertificateAlias(s *Simulator, _ *call, p *modifyCertificateAliasParams) (any, *apiError) {
	cert := s.st.certificate(p.CertificateId)
	if cert == nil {
		return nil, certificateNotFound(p.CertificateId)
	}
	cert.Alias = p.Alias
	return map[string]any{"CertificateId": cert.ID}, nil
}

type modifyCertificateProjectParams struct {
	CertificateIdList []string `json:"CertificateIdList" required:"true"`
	ProjectId         flexInt  `json:"ProjectId" required:"true"`
}

// modifyCertificateProject moves up to 100 certificates to a project. The
// reference names the action only (§1.12); its SDK gives the fields. Unknown
// IDs are listed in FailCertificates rather than failing the batch.
func modifyCertificateProject(s *Simulator, _ *call, p *modifyCertificateProjectParams) (any, *apiError) {
	if len(p.CertificateIdList) == 0 || len(p.CertificateIdList) > 100 {
		return nil, errorf(CodeInvalidParameter, "CertificateIdList must list 1 to 100 certificate IDs.")
	}
	if p.ProjectId.Value < 0 {
		return nil, errorf(CodeInvalidParameterValue, "ProjectId must not be negative.")
	}
	success, fail := []string{}, []string{}
	for _, id := range p.CertificateIdList {
		cert := s.st.certificate(id)
		if cert == nil {
			fail = append(fail, id)
			continue
		}
		cert.ProjectID = p.ProjectId.Value
		success = append(success, id)
	}
	return map[string]any{"SuccessCertificates": success, "FailCertificates": fail}, nil
}

type modifyExpiringNotificationParams struct {
	CertificateIds []string `json:"CertificateIds" required:"true"`
	SwitchStatus   flexInt  `json:"SwitchStatus" required:"true"`
}

func modifyCertificatesExpiringNotificationSwitch(s *Simulator, _ *call, p *modifyExpiringNotificationParams) (any, *apiError) {
	if len(p.CertificateIds) > 50 {
		return nil, errorf(CodeCertificatesNumberExceeded, "At most 50 certificate IDs may be passed.")
	}
	if p.SwitchStatus.Value != 0 && p.SwitchStatus.Value != 1 {
		return nil, errorf(CodeInvalidParameterValue, "SwitchStatus must be 0 or 1.")
	}
	for _, id := range p.CertificateIds {
		if s.st.certificate(id) == nil {
			return nil, certificateNotFound(id)
		}
	}
	for _, id := range p.CertificateIds {
		s.st.certificate(id).IgnoreExpiry = p.SwitchStatus.Value == 1
	}
	return map[string]any{"CertificateIds": nonNil(p.CertificateIds)}, nil
}

type deleteCertificateParams struct {
	CertificateId   string `json:"CertificateId" required:"true"`
	IsCheckResource *bool  `json:"IsCheckResource"`
}

// DeleteTaskResult.Status values (§4.4).
const (
	deleteRunning = 0
	deleteSuccess = 1
	deleteFailed  = 2
	deleteBound   = 4
)

// deleteCertificate deletes at once, without looking at bindings, unless
// IsCheckResource is true (§2.1): a bound certificate is deleted too, and
// the resources using it keep serving it. With the check, deletion becomes
// a task (DeleteResult false and a TaskId) that looks at the bindings when
// it runs, after a task duration, and ends in DescribeDeleteCertificatesTaskResult.
func deleteCertificate(s *Simulator, c *call, p *deleteCertificateParams) (any, *apiError) {
	cert := s.st.certificate(p.CertificateId)
	if cert == nil {
		return nil, certificateNotFound(p.CertificateId)
	}
	if p.IsCheckResource == nil || !*p.IsCheckResource {
		s.removeCertificate(cert.ID)
		return map[string]any{"DeleteResult": true, "TaskId": nil}, nil
	}
	task := &deleteTask{
		ID:        strconv.FormatInt(s.st.NextTaskID, 10),
		CertID:    cert.ID,
		Status:    deleteRunning,
		CacheTime: c.now,
		DueAt:     c.now.Add(s.duration(durDeleteTask)),
		Domains:   nonNil(cert.Info.DNSNames),
	}
	s.st.NextTaskID++
	s.st.DeleteTasks = append(s.st.DeleteTasks, task)
	return map[string]any{"DeleteResult": false, "TaskId": task.ID}, nil
}

// finishDelete runs a delete task's check. It sees the bindings the
// bound-resource query sees, every type but lighthouse, so a certificate
// bound only to Lighthouse is deleted as unbound.
func (s *Simulator) finishDelete(t *deleteTask) {
	t.CacheTime = t.DueAt
	switch {
	case s.st.certificate(t.CertID) == nil:
		t.Status, t.Error = deleteFailed, "当前的证书状态不支持此操作"
	case len(s.queryBindings(t.CertID)) > 0:
		t.Status, t.Error = deleteBound, "有未解绑的云资源"
	default:
		t.Status = deleteSuccess
		s.removeCertificate(t.CertID)
	}
}

func (s *Simulator) removeCertificate(id string) {
	s.st.Certificates = slices.DeleteFunc(s.st.Certificates, func(c *certificate) bool { return c.ID == id })
}

// taskIDsParams are the inputs of the task result actions.
type taskIDsParams struct {
	TaskIds []string `json:"TaskIds" required:"true"`
}

// describeDeleteCertificatesTaskResult answers FailedOperation, the only
// code its page lists, for a task ID that does not exist.
func describeDeleteCertificatesTaskResult(s *Simulator, _ *call, p *taskIDsParams) (any, *apiError) {
	if len(p.TaskIds) > 100 {
		return nil, errorf(CodeFailedOperation, "At most 100 task IDs may be passed.")
	}
	out := []map[string]any{}
	for _, id := range p.TaskIds {
		i := slices.IndexFunc(s.st.DeleteTasks, func(t *deleteTask) bool { return t.ID == id })
		if i < 0 {
			return nil, errorf(CodeFailedOperation, "The delete task %q does not exist.", id)
		}
		t := s.st.DeleteTasks[i]
		out = append(out, map[string]any{
			"TaskId": t.ID, "CertId": t.CertID, "Status": t.Status, "Error": t.Error,
			"CacheTime": plainTime(t.CacheTime), "Domains": t.Domains,
		})
	}
	return map[string]any{"DeleteTaskResult": out}, nil
}

// boundUnits returns the units currently serving certificate id.
func (s *Simulator) boundUnits(id string) []*unit {
	var out []*unit
	for _, u := range s.st.Inventory.units() {
		if u.get() == id {
			out = append(out, u)
		}
	}
	return out
}
