package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/secprof/secprof/internal/atomicfile"
	"github.com/secprof/secprof/pipeline"
)

// installCompletionsCmd puts the completion hook (kongplete's: the shell
// runs secprof with COMP_LINE set) into the user's shell startup file.
type installCompletionsCmd struct {
	Shell     string `help:"bash, zsh or fish; default: the shell named by $SHELL." enum:",bash,zsh,fish" default:""`
	Print     bool   `help:"Change nothing: print the lines to add and the file they belong in."`
	Uninstall bool   `help:"Remove the lines an install added."`
}

// completionMarker ends each line secprof adds, so uninstall finds them.
const completionMarker = "# secprof completion"

func (c *installCompletionsCmd) Run(g *globals, stdout io.Writer) error {
	shell, err := c.shell()
	if err != nil {
		return err
	}
	bin, err := os.Executable()
	if err != nil {
		return pipeline.Usagef("cannot find secprof's own path: %v", err)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return pipeline.Usagef("%v", err)
	}
	file := completionFile(shell, home)
	lines := completionLines(shell, bin)
	var msg string
	switch {
	case c.Print:
		msg = fmt.Sprintf("Add these lines to %s, then start a new %s:\n%s", file, shell, lines)
	case c.Uninstall:
		msg, err = uninstallCompletion(file)
	default:
		msg, err = installCompletion(file, shell, lines)
	}
	if err != nil {
		return pipeline.Usagef("%v", err)
	}
	if g.JSON {
		writeJSON(stdout, map[string]string{"shell": shell, "file": file, "lines": lines, "message": msg})
		return nil
	}
	_, err = io.WriteString(stdout, msg)
	return err
}

func (c *installCompletionsCmd) shell() (string, error) {
	if c.Shell != "" {
		return c.Shell, nil
	}
	sh := filepath.Base(os.Getenv("SHELL"))
	switch sh {
	case "bash", "zsh", "fish":
		return sh, nil
	}
	return "", pipeline.Usagef("cannot tell your shell from $SHELL=%q: give --shell bash, zsh or fish", os.Getenv("SHELL"))
}

// completionFile is where each shell reads such lines at start.
func completionFile(shell, home string) string {
	switch shell {
	case "zsh":
		if d := os.Getenv("ZDOTDIR"); d != "" {
			return filepath.Join(d, ".zshrc")
		}
		return filepath.Join(home, ".zshrc")
	case "fish":
		return filepath.Join(home, ".config", "fish", "completions", "secprof.fish")
	}
	return filepath.Join(home, ".bashrc")
}

// completionLines are kongplete's hooks, each line marked as ours.
func completionLines(shell, bin string) string {
	var body string
	switch shell {
	case "zsh":
		body = "autoload -U +X bashcompinit && bashcompinit\ncomplete -C " + shellQuote(bin) + " secprof"
	case "fish":
		body = "complete -f -c secprof -a '(env COMP_LINE=(commandline -cp) " + shellQuote(bin) + ")'"
	default:
		body = "complete -C " + shellQuote(bin) + " secprof"
	}
	var b strings.Builder
	for _, l := range strings.Split(body, "\n") {
		b.WriteString(l + " " + completionMarker + "\n")
	}
	return b.String()
}

func shellQuote(s string) string {
	if strings.ContainsAny(s, " \t'\"\\$`*?[]{}();&|<>!#~") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

func installCompletion(file, shell, lines string) (string, error) {
	old, err := readStartupFile(file)
	if err != nil {
		return "", err
	}
	if strings.Contains(old, lines) {
		return fmt.Sprintf("secprof completion is already in %s\n", file), nil
	}
	kept := dropMarked(old)
	if kept != "" && !strings.HasSuffix(kept, "\n") {
		kept += "\n"
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o777); err != nil {
		return "", err
	}
	if err := writeStartupFile(file, kept+lines); err != nil {
		return "", err
	}
	return fmt.Sprintf("Added secprof completion to %s:\n%sIt works in new %s sessions; in this one, run: source %s\n", file, lines, shell, file), nil
}

func uninstallCompletion(file string) (string, error) {
	old, err := readStartupFile(file)
	if err != nil {
		return "", err
	}
	kept := dropMarked(old)
	if kept == old {
		return fmt.Sprintf("no secprof completion in %s\n", file), nil
	}
	if err := writeStartupFile(file, kept); err != nil {
		return "", err
	}
	return fmt.Sprintf("Removed secprof completion from %s\n", file), nil
}

func readStartupFile(file string) (string, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	return string(b), err
}

// writeStartupFile replaces the file atomically, through a symlink (as
// dotfile managers make them), keeping its mode and owner.
func writeStartupFile(file, content string) error {
	if real, err := filepath.EvalSymlinks(file); err == nil {
		file = real
	}
	return atomicfile.Write(file, []byte(content), 0o644)
}

func dropMarked(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if !strings.HasSuffix(strings.TrimRight(l, "\n"), completionMarker) {
			b.WriteString(l)
		}
	}
	return b.String()
}
