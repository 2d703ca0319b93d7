package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

// manager is one run of the operator binary as a separate process.
type manager struct {
	cmd         *exec.Cmd
	metricsAddr string
	pprofAddr   string
	logPath     string
	exited      chan struct{}
}

// buildManager builds the operator from this checkout as the Dockerfile does, with the build
// tags given.
func buildManager(ctx context.Context, out string, tags ...string) error {
	args := []string{"build", "-trimpath", "-ldflags=-s -w", "-o", out}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.CommandContext(ctx, "go", append(args, ".")...)
	cmd.Dir = testenv.RepoRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %v: %w\n%s", tags, err, b)
	}
	return nil
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startManager starts binary against the control plane and the simulator, with its metrics
// and pprof endpoints on loopback, and waits until it serves metrics.
func startManager(ctx context.Context, binary, kubeconfig, endpoint string, env []string, secretID, secretKey, logPath string, extra ...string) (*manager, error) {
	m := &manager{logPath: logPath, exited: make(chan struct{})}
	var err error
	if m.metricsAddr, err = freeAddr(); err != nil {
		return nil, err
	}
	if m.pprofAddr, err = freeAddr(); err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	args := append([]string{
		"--kubeconfig", kubeconfig,
		"--tencentcloud-endpoint", endpoint,
		"--tencentcloud-region", "ap-guangzhou",
		"--metrics-bind-address", m.metricsAddr, "--metrics-secure=false",
		"--health-probe-bind-address", "127.0.0.1:0",
		"--pprof-bind-address", m.pprofAddr,
	}, extra...)
	m.cmd = exec.Command(binary, args...)
	m.cmd.Env = append(append(os.Environ(), env...), "TENCENTCLOUD_SECRET_ID="+secretID, "TENCENTCLOUD_SECRET_KEY="+secretKey)
	m.cmd.Stdout, m.cmd.Stderr = logFile, logFile
	if err := m.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting the operator: %w", err)
	}
	go func() { _ = m.cmd.Wait(); logFile.Close(); close(m.exited) }()
	err = poll(ctx, 60*time.Second, func() (bool, error) {
		select {
		case <-m.exited:
			return false, fmt.Errorf("the operator exited; its log is %s", logPath)
		default:
		}
		_, err := m.metrics()
		return err == nil, nil
	})
	if err != nil {
		m.stop()
		return nil, err
	}
	return m, nil
}

// stop ends the process, as a rollout would: SIGTERM, then SIGKILL after 10s.
func (m *manager) stop() {
	_ = m.cmd.Process.Signal(os.Interrupt)
	select {
	case <-m.exited:
	case <-time.After(10 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.exited
	}
}

// memory returns the resident set and its peak, in MiB, from /proc.
func (m *manager) memory() (rss, peak float64, err error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(m.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return rss, peak, s.Err()
}

// metrics scrapes the metrics endpoint into sums per metric name and controller label.
func (m *manager) metrics() (map[string]float64, error) {
	body, err := httpGet("http://" + m.metricsAddr + "/metrics")
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		series := line[:i]
		name, labels, _ := strings.Cut(series, "{")
		key := name
		for _, l := range []string{`controller="`, `name="`} {
			if j := strings.Index(labels, l); j >= 0 {
				rest := labels[j+len(l):]
				key = name + "/" + rest[:strings.IndexByte(rest, '"')]
				break
			}
		}
		out[key] += v
	}
	return out, nil
}

// settled waits until both controllers reconciled at least want objects each and are idle.
func (m *manager) settled(ctx context.Context, want int, timeout time.Duration) error {
	return poll(ctx, timeout, func() (bool, error) {
		mt, err := m.metrics()
		if err != nil {
			return false, nil
		}
		for _, c := range []string{"tencentcertificate", "certificatedeployment"} {
			if mt["controller_runtime_reconcile_total/"+c] < float64(want) ||
				mt["workqueue_depth/"+c] > 0 || mt["controller_runtime_active_workers/"+c] > 0 {
				return false, nil
			}
		}
		return true, nil
	})
}

// saveProfile writes the manager's heap profile, after a garbage collection, to path.
func (m *manager) saveProfile(path string) error {
	body, err := httpGet("http://" + m.pprofAddr + "/debug/pprof/heap?gc=1")
	if err != nil {
		return err
	}
	return os.WriteFile(path, body, 0o644)
}

func httpGet(url string) ([]byte, error) {
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// poll calls cond every 200ms until it reports done, fails, or timeout passes.
func poll(ctx context.Context, timeout time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		done, err := cond()
		if err != nil || done {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not done after %s", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
