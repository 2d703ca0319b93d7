package tencentcloud

import "context"

// taggedPage is the page size of Tagged; the reference's maximum is 1000.
const taggedPage = 1000

// Tagged lists certificates filtered by tags with DescribeCertificates, which returns no key
// material. The ownership tags of one object match a handful of certificates, so this is one
// call in practice.
func (c *client) Tagged(ctx context.Context, tags []Tag) ([]string, error) {
	req := describeCertificatesRequest{Limit: taggedPage}
	for _, t := range tags {
		req.Tags = append(req.Tags, wireTag{TagKey: t.Key, TagValue: t.Value})
	}
	var ids []string
	for {
		resp, err := invoke[describeCertificatesResponse](ctx, c, "DescribeCertificates", "", req)
		if err != nil {
			return nil, err
		}
		for _, cert := range resp.Certificates {
			ids = append(ids, cert.CertificateId)
		}
		req.Offset += taggedPage
		if len(resp.Certificates) < taggedPage || int64(req.Offset) >= int64(resp.TotalCount) {
			return ids, nil
		}
	}
}
