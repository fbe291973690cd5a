package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ram"
)

// start runs the built binary and returns its listen address once it prints the banner.
func start(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("ramemu exited before listening")
			}
			if addr, found := strings.CutPrefix(l, "ramemu listening on http://"); found {
				return cmd, addr
			}
		case <-deadline:
			t.Fatal("ramemu did not start")
		}
	}
}

func client(t *testing.T, addr string) *ram.Client {
	c, err := ram.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme("HTTP"),
		credentials.NewAccessKeyCredential("LTAI5tDemoEnterpriseA0001", "DemoSecretEnterpriseA000000000001"))
	if err != nil {
		t.Fatal(err)
	}
	c.Domain = addr
	return c
}

// TestKillAndRestart: a SIGKILLed emulator loses nothing it acknowledged.
func TestKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ramemu")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	state := filepath.Join(dir, "state.json")
	cmd, addr := start(t, bin, "--listen", "127.0.0.1:0", "--state", state)
	c := client(t, addr)
	for i := 0; i < 20; i++ {
		q := ram.CreateCreateRoleRequest()
		q.RoleName = "killed-" + string(rune('a'+i))
		q.AssumeRolePolicyDocument = `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::1000000000000002:root"}}],"Version":"1"}`
		if _, err := c.CreateRole(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	cmd2, addr2 := start(t, bin, "--listen", "127.0.0.1:0", "--state", state)
	c2 := client(t, addr2)
	r, err := c2.ListRoles(ram.CreateListRolesRequest())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roles.Role) != 20 || r.Roles.Role[19].RoleName != "killed-t" {
		t.Fatalf("after restart: %d roles", len(r.Roles.Role))
	}
	// SIGTERM shuts down gracefully.
	if err := cmd2.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd2.Wait(); err != nil {
		t.Fatalf("graceful exit: %v", err)
	}
}

func TestAccountsFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "accounts.json")
	if err := os.WriteFile(f, []byte(`{"accounts":[{"id":"1234567890123456","alias":"x-corp","access_key_id":"LTAI5tX","access_key_secret":"s"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	accts, err := readAccounts(f)
	if err != nil || len(accts) != 1 || accts[0].ID != "1234567890123456" || accts[0].AccessKeySecret != "s" {
		t.Fatalf("%v %+v", err, accts)
	}
	if err := os.WriteFile(f, []byte(`{"accounts":[{"idd":"1"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readAccounts(f); err == nil {
		t.Fatal("unknown field accepted")
	}
	var sb strings.Builder
	if err := run([]string{"--fault-rate", "2"}, &sb, &sb); err == nil {
		t.Fatal("bad fault rate accepted")
	}
}
