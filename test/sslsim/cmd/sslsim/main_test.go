package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

// TestMain lets the test binary act as the sslsim command, so the tests
// below run the real main in a child process.
func TestMain(m *testing.M) {
	if os.Getenv("SSLSIM_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestCommandServesTheAPIAndStopsOnSignal(t *testing.T) {
	dir := t.TempDir()
	inventory := filepath.Join(dir, "inventory.yaml")
	if err := os.WriteFile(inventory, []byte("cdn:\n- domain: cdn.example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state.json")
	cmd := exec.Command(os.Args[0], "--listen", "127.0.0.1:0", "--secret-id", "AKIDcmdtest",
		"--inventory", inventory, "--state-file", state, "--deploy-duration", "1s", "--rate-limits=false",
		"--fault", "action=DescribeCertificates,code=InternalError,times=1",
		"--fault-target", "resourceType=cdn,target=cdn.example.com,attempts=1")
	cmd.Env = append(os.Environ(), "SSLSIM_RUN_MAIN=1", "SSLSIM_SECRET_KEY=cmd-secret")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatalf("no startup line; stderr: %s", stderr.String())
	}
	addr, ok := strings.CutPrefix(lines.Text(), "sslsim listening on http://")
	if !ok {
		t.Fatalf("startup line %q does not name the address", lines.Text())
	}

	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = addr
	prof.HttpProfile.Scheme = "HTTP"
	client := common.NewCommonClient(common.NewCredential("AKIDcmdtest", "cmd-secret"), "ap-guangzhou", prof)
	send := func(action, params string) error {
		req := tchttp.NewCommonRequest("ssl", "2019-12-05", action)
		if err := req.SetActionParameters([]byte(params)); err != nil {
			t.Fatal(err)
		}
		return client.Send(req, tchttp.NewCommonResponse())
	}
	var sdkErr *tcerr.TencentCloudSDKError
	if err := send("DescribeCertificates", `{"Limit":1}`); !errors.As(err, &sdkErr) || sdkErr.Code != "InternalError" {
		t.Fatalf("the --fault flag did not apply: %v", err)
	}
	if err := send("DescribeCertificates", `{"Limit":1}`); err != nil {
		t.Fatalf("the SDK call failed: %v", err)
	}
	if err := send("DescribeHostCdnInstanceList", `{}`); err != nil {
		t.Fatalf("the inventory was not loaded: %v", err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not stop after SIGTERM")
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("no state file: %v", err)
	}
	if strings.Contains(stderr.String(), "cmd-secret") {
		t.Fatal("the secret key was logged")
	}
}

func TestCommandRejectsMissingCredentials(t *testing.T) {
	if err := run([]string{"--listen", "127.0.0.1:0"}); err == nil {
		t.Fatal("started without credentials")
	}
	if err := run([]string{"--secret-id", "AKIDx", "--secret-key", "k", "--fault", "colour=red"}); err == nil {
		t.Fatal("accepted a malformed --fault")
	}
}

func TestOptionsDefaultToTheStrictReadings(t *testing.T) {
	creds := []string{"--secret-id", "AKIDx", "--secret-key", "k"}
	opts, _, err := parseOptions(creds)
	if err != nil {
		t.Fatal(err)
	}
	if opts.DeployDuration != 0 || opts.TimeScale != 1 || opts.InstanceCache != 30*time.Minute ||
		opts.RegionalLists == nil || !*opts.RegionalLists || opts.DisableRateLimits || opts.Latency != (sslsim.Latency{}) {
		t.Fatalf("defaults = %+v, want realistic durations in real time, the cache, regional lists and rate limits", opts)
	}

	opts, _, err = parseOptions(append(creds, "--time-scale", "60", "--seed", "9", "--latency", "150ms±50ms",
		"--instance-cache", "0", "--regional-lists=false", "--deploy-duration", "2s"))
	if err != nil {
		t.Fatal(err)
	}
	want := sslsim.Latency{Mean: 150 * time.Millisecond, Jitter: 50 * time.Millisecond}
	if opts.TimeScale != 60 || opts.Seed != 9 || opts.Latency != want || opts.InstanceCache >= 0 ||
		*opts.RegionalLists || opts.DeployDuration != 2*time.Second {
		t.Fatalf("options = %+v", opts)
	}

	for _, bad := range [][]string{
		{"--latency", "50ms±1s"}, {"--latency", "soon"}, {"--time-scale", "0"}, {"--time-scale", "-2"},
	} {
		if _, _, err := parseOptions(append(creds, bad...)); err == nil {
			t.Errorf("accepted %v", bad)
		}
	}
}
