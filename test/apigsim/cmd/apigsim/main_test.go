package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestRunServesTheInventoryAndItsAdminState(t *testing.T) {
	inv := filepath.Join(t.TempDir(), "inventory.yaml")
	if err := os.WriteFile(inv, []byte("instances:\n- projectId: p1\n  id: i1\n  groups:\n  - id: g1\n    domains:\n    - id: d1\n      urlDomain: api.example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"--listen", "127.0.0.1:0", "--access-key", "AK", "--secret-key", "SK", "--inventory", inv,
			"--fault", "action=AssociateCertificateV2,code=APIG.9999,times=1"}, ready)
	}()
	addr := <-ready
	resp, err := http.Get("http://" + addr + "/_sim/state")
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 4096)
	n, _ := resp.Body.Read(body)
	_ = resp.Body.Close()
	if !strings.Contains(string(body[:n]), `"urlDomain":"api.example.com"`) {
		t.Fatalf("state = %s", body[:n])
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestRunRefusesMissingCredentialsAndBadFaults(t *testing.T) {
	if err := run([]string{"--access-key", "AK"}, nil); err == nil || !strings.Contains(err.Error(), "required") {
		t.Fatalf("got %v", err)
	}
	if err := run([]string{"--access-key", "AK", "--secret-key", "SK", "--fault", "bogus"}, nil); err == nil {
		t.Fatal("a malformed fault must be refused")
	}
	if err := run([]string{"--access-key", "AK", "--secret-key", "SK", "--fault", "action=AssociateCertificateV2"}, nil); err == nil {
		t.Fatal("a malformed fault must be refused")
	}
}
