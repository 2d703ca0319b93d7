package sslsim

import (
	"net"
	"slices"
	"strings"
)

// regions are the Region values the reference lists for the product (§1.4).
var regions = []string{
	"ap-bangkok", "ap-beijing", "ap-chengdu", "ap-chongqing", "ap-guangzhou", "ap-hongkong",
	"ap-jakarta", "ap-nanjing", "ap-seoul", "ap-shanghai", "ap-shanghai-fsi", "ap-shenzhen-fsi",
	"ap-singapore", "ap-tokyo", "eu-frankfurt", "na-ashburn", "na-siliconvalley", "sa-saopaulo",
}

// bodyRegions are the region values accepted inside request bodies: the
// product's list plus ap-qingyuan, which a documented
// UploadUpdateCertificateInstance example uses (§9.22).
var bodyRegions = append(slices.Clone(regions), "ap-qingyuan")

// defaultAccessRegion stands in for "the nearest region" when a request
// reaches the simulator by a host that names none (ssl.tencentcloudapi.com,
// localhost): the reference's example of nearest-region routing is
// Guangzhou.
const defaultAccessRegion = "ap-guangzhou"

// accessRegion is the region of the endpoint a request was sent to:
// ssl.<region>.tencentcloudapi.com names it, any other host reaches the
// nearest region.
func accessRegion(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	if rest, ok := strings.CutPrefix(host, "ssl."); ok {
		if region, ok := strings.CutSuffix(rest, ".tencentcloudapi.com"); ok && slices.Contains(regions, region) {
			return region
		}
	}
	return defaultAccessRegion
}

func isFinancial(region string) bool { return strings.HasSuffix(region, "-fsi") }

// checkRegion validates the Region header: it must be one of the product's
// regions, and a financial region is served only by its own endpoint, as
// financial and other zones are isolated (§1.1).
func checkRegion(region, access string) *apiError {
	if region == "" {
		return nil
	}
	if !slices.Contains(regions, region) {
		return errorf(CodeUnsupportedRegion, "The region %q is not supported.", region)
	}
	if isFinancial(region) && access != region {
		return errorf(CodeUnsupportedRegion, "The financial region %s is served only by ssl.%s.tencentcloudapi.com.", region, region)
	}
	if isFinancial(access) && access != region {
		return errorf(CodeUnsupportedRegion, "The endpoint of financial region %s serves only that region.", access)
	}
	return nil
}
