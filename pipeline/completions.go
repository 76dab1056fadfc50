package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/secprof/secprof/internal/atomicfile"
)

// CompletionRequest is `secprof install-completions`: put kongplete's hook
// (the shell runs secprof with COMP_LINE set) into the user's shell startup
// file, print the lines, or take them out.
type CompletionRequest struct {
	Shell     string // bash, zsh or fish; "" reads $SHELL
	Print     bool   // change nothing: say what to add where
	Uninstall bool
}

// CompletionResult says what was done, for the user.
type CompletionResult struct {
	Shell   string `json:"shell"`
	File    string `json:"file"`
	Lines   string `json:"lines"`
	Message string `json:"message"`
}

// completionMarker ends each line secprof adds, so uninstall finds them.
const completionMarker = "# secprof completion"

// Completions runs a completion request.
func Completions(req CompletionRequest) (CompletionResult, error) {
	shell, err := completionShell(req.Shell)
	if err != nil {
		return CompletionResult{}, err
	}
	bin, err := os.Executable()
	if err != nil {
		return CompletionResult{}, Usagef("cannot find secprof's own path: %v", err)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return CompletionResult{}, Usagef("%v", err)
	}
	r := CompletionResult{Shell: shell, File: completionFile(shell, home), Lines: completionLines(shell, bin)}
	switch {
	case req.Print:
		r.Message = fmt.Sprintf("Add these lines to %s, then start a new %s:\n%s", r.File, shell, r.Lines)
	case req.Uninstall:
		r.Message, err = uninstallCompletion(r.File)
	default:
		r.Message, err = installCompletion(r.File, shell, r.Lines)
	}
	if err != nil {
		return CompletionResult{}, Usagef("%v", err)
	}
	return r, nil
}

func completionShell(named string) (string, error) {
	if named != "" {
		return named, nil
	}
	sh := filepath.Base(os.Getenv("SHELL"))
	switch sh {
	case "bash", "zsh", "fish":
		return sh, nil
	}
	return "", Usagef("cannot tell your shell from $SHELL=%q: give --shell bash, zsh or fish", os.Getenv("SHELL"))
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
