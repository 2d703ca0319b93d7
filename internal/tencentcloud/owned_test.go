package tencentcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestRepeatableUploadNeverTakesOverExistingContent(t *testing.T) {
	exists := errEnvelope(CodeCertificateExists, "The certificate already exists.", "r-up")
	env := newTestEnv(t, byAction(map[string]string{"UploadCertificate": exists, "CheckCertificateExist": okEnvelope(`"RepeatCertId":"theirs"`)}), nil)
	_, err := env.api(t).Upload(context.Background(), UploadInput{CertificatePEM: "CERT", PrivateKeyPEM: "KEY", Repeatable: true})
	if Code(err) != CodeCertificateExists {
		t.Fatalf("err = %v, want %s: another owner's certificate must not be returned", err, CodeCertificateExists)
	}
	reqs := env.cloud.recorded()
	if len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), `"Repeatable":true`) {
		t.Errorf("requests = %d, first %s; want one upload with Repeatable true", len(reqs), reqs[0].Body)
	}
}

func TestTaggedFiltersByTagsAndReadsEveryPage(t *testing.T) {
	page := func(from, n, total int) string {
		var ids []string
		for i := from; i < from+n; i++ {
			ids = append(ids, fmt.Sprintf(`{"CertificateId":"c%d","Tags":[]}`, i))
		}
		return okEnvelope(fmt.Sprintf(`"TotalCount":%d,"Certificates":[%s]`, total, strings.Join(ids, ",")))
	}
	env := newTestEnv(t, func(n int, _ recordedRequest) (int, string) {
		if n == 0 {
			return 200, page(0, taggedPage, taggedPage+2)
		}
		return 200, page(taggedPage, 2, taggedPage+2)
	}, nil)
	tags := []Tag{{Key: "certsync.io/cluster", Value: "c1"}, {Key: "certsync.io/fingerprint", Value: "ab"}}
	ids, err := env.api(t).Tagged(context.Background(), tags)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != taggedPage+2 || ids[0] != "c0" || ids[len(ids)-1] != fmt.Sprintf("c%d", taggedPage+1) {
		t.Errorf("got %d IDs, want every page", len(ids))
	}
	reqs := env.cloud.recorded()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 pages", len(reqs))
	}
	var second struct {
		Offset int
		Tags   []struct{ TagKey, TagValue string }
	}
	if err := json.Unmarshal(reqs[1].Body, &second); err != nil {
		t.Fatal(err)
	}
	if second.Offset != taggedPage || len(second.Tags) != 2 || second.Tags[1].TagKey != "certsync.io/fingerprint" {
		t.Errorf("second request = %s, want the tags and offset %d", reqs[1].Body, taggedPage)
	}
}
