package apparmor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// securityFS is where the kernel shows AppArmor when the LSM is active.
var securityFS = "/sys/kernel/security/apparmor"

// parser is the apparmor_parser command; tests point it elsewhere.
var parser = "apparmor_parser"

// NotActiveError says that AppArmor is not active on this host, so a
// profile cannot be loaded here. Command is what to run, as root, on the
// host that will run the containers.
type NotActiveError struct {
	Command string
}

func (e *NotActiveError) Error() string {
	return fmt.Sprintf("AppArmor is not active on this host (no %s); on the host that runs the containers, run: %s", securityFS, e.Command)
}

// LoadCommand is the command line that loads (or replaces) the profile in
// path and writes it to the kernel's cache: apparmor_parser -r -W PATH.
func LoadCommand(path string) []string { return []string{"apparmor_parser", "-r", "-W", path} }

// Load loads the profile in path into the kernel with apparmor_parser -r -W,
// replacing a loaded profile of the same name. Where AppArmor is not
// active it returns a *NotActiveError that carries the command to run on
// the target host instead.
func Load(ctx context.Context, path string) error {
	args := LoadCommand(path)
	if _, err := os.Stat(securityFS); err != nil {
		return &NotActiveError{Command: shellJoin(args)}
	}
	cmd := exec.CommandContext(ctx, parser, args[1:]...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w\n%s", shellJoin(args), err, bytes.TrimSpace(out))
	}
	return nil
}

// Check compiles a profile text with apparmor_parser without loading it
// (-Q -K: no kernel, no cache) and returns the names of the profiles it
// defines (-N). It works where the AppArmor LSM is not active, and so is
// how a rendered profile is proven before it is shipped.
func Check(ctx context.Context, text []byte) ([]string, error) {
	f, err := os.CreateTemp("", "secprof-apparmor-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(text); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	run := func(flags ...string) ([]byte, error) {
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, parser, append(flags, f.Name())...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("apparmor_parser %s: %w\n%s", strings.Join(flags, " "), err, parserErrors(stderr.String()))
		}
		return stdout.Bytes(), nil
	}
	if _, err := run("-Q", "-K"); err != nil {
		return nil, err
	}
	out, err := run("-N")
	if err != nil {
		return nil, err
	}
	names := strings.Fields(string(out))
	if len(names) == 0 {
		return nil, errors.New("apparmor_parser -N: the text defines no profile")
	}
	return names, nil
}

// parserErrors drops the warning apparmor_parser prints on every run on a
// host without AppArmor, leaving the messages about the profile.
func parserErrors(stderr string) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.HasPrefix(l, "Cache read/write disabled") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// shellJoin quotes args for a POSIX shell, leaving plain words bare.
func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		plain := a != ""
		for _, c := range a {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./=:@+,", c)) {
				plain = false
			}
		}
		if plain {
			quoted[i] = a
		} else {
			quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}
