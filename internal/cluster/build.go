package cluster

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Build compiles pkg (a package path relative to the module's root, such
// as "./cmd/fairserver") into out with `go build`, in the root of the
// module holding the working directory. The Go build cache makes a
// second build of unchanged sources quick. It is bounded by 5 minutes.
func Build(ctx context.Context, pkg, out string) error {
	root, err := ModuleRoot(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("cluster: go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// ModuleRoot is the directory of the go.mod governing the working
// directory (go env GOMOD).
func ModuleRoot(ctx context.Context) (string, error) {
	b, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("cluster: go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == "/dev/null" {
		return "", fmt.Errorf("cluster: the working directory is not inside a Go module")
	}
	return filepath.Dir(mod), nil
}
