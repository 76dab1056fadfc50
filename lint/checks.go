package lint

import (
	"fmt"
	"strings"

	"github.com/secprof/secprof/diag"
)

//go:generate go run ./internal/lintdoc ../docs/lint.md

// ID is a check's stable identifier, such as SP101. IDs are never reused.
type ID string

// The checks. Each is documented in the table below.
const (
	ProfileDiagnostic ID = "SP000"
	FamilyBypass      ID = "SP101"
	ABIBypass         ID = "SP102"
	DangerousAllow    ID = "SP103"
	ShadowedRule      ID = "SP104"
	EqualToDefault    ID = "SP105"
	ErrnoZero         ID = "SP106"
	ErrnoTooLarge     ID = "SP107"
	Clone3EPERM       ID = "SP108"
	HostLibseccompGap ID = "SP109"
	UnusedIgnore      ID = "SP901"
	IgnoreNoReason    ID = "SP902"
	IgnoreUnknownID   ID = "SP903"
)

// Check is one lint check.
type Check struct {
	ID       ID            `json:"id"`
	Name     string        `json:"name"` // kebab-case, stable like the ID
	Severity diag.Severity `json:"severity"`
	Doc      string        `json:"doc"` // one paragraph: what it finds, why it matters, the fix
}

// checks is sorted by ID; a test holds it so.
var checks = []Check{
	{ProfileDiagnostic, "profile-diagnostic", diag.Error,
		"Not a lint check: a problem the compiler reports on any profile (a syntax error, an unknown syscall, a contradiction), shown among the findings so that a reviewer sees why the profile cannot be checked further. In SARIF output it is the rule of every such result; in text it carries no ID. The message says what to change. It cannot be silenced: fix the profile."},
	{FamilyBypass, "family-bypass", diag.Warning,
		"A rule stops one entry point of an operation but leaves its twins (the fd form fchmod, the *at and *at2 forms, the l* no-follow form, and irregular ones such as utimensat or statx) with the default action. `deny chmod` does not stop glibc's chmod(1), which calls fchmodat. Fix: deny the whole family (`deny @chmod`), or name every twin."},
	{ABIBypass, "abi-bypass", diag.Warning,
		"x86 is among the filtered arches and a rule stops a call whose 32-bit twin (chown32, setuid32, …) is left with the default action: a 32-bit program calls the twin through `int $0x80` and walks around the rule (measured with runc 1.1.5). Socket and IPC calls are not reported: libseccomp rewrites a rule on them onto x86's socketcall and ipc multiplexers. Fix: deny the family (`deny @chown`), name the *32 twins, or drop x86 from the arches."},
	{DangerousAllow, "dangerous-allow", diag.Warning,
		"An allow-list (default errno, kill or trap) written in this file allows a call that breaks container isolation: ptrace and process_vm_readv/writev read other processes, bpf and perf_event_open reach the kernel's internals, mount, umount2, pivot_root and unshare or clone without the namespace-flag condition change namespaces and mounts, kexec_load, reboot and the module calls replace kernel code, open_by_handle_at escaped Docker once (shocker), the keyring calls are not namespaced, userfaultfd is an exploitation primitive, personality without its argument condition turns off ASLR, iopl and ioperm touch hardware ports, swapon changes host memory. Rules inherited from a base such as @docker-default, and rules gated on a capability (`when cap …`), are not reported. Fix: remove the allow, or add the condition Docker uses (`allow clone if arg0 & 0x7e020000 == 0`, `allow personality if arg0 == 0x0`)."},
	{ShadowedRule, "shadowed-rule", diag.Error,
		"A conditional rule never decides anything, because a rule on the same call without argument conditions decides that call whatever its arguments (libseccomp lets it win in either order). With `allow ptrace` in front, `kill ptrace if …` fails open. An error in secprof's sources; a warning in Docker JSON, where the dead rule is dropped as the runtime drops it. Fix: remove one of the two, or give the other the opposite condition."},
	{EqualToDefault, "equal-to-default", diag.Warning,
		"A rule's action is already the default action, so the rule does nothing and is dropped. It often means the author misread which kind of list the profile is (allow-list or deny-list). Fix: remove the rule, or give it the action that was meant."},
	{ErrnoZero, "errno-zero", diag.Warning,
		"An errno action with the value 0 makes the call return 0 (success) without running it: a program believes a chmod or a write happened. Fix: write allow if the call should run, or a real errno such as EPERM."},
	{ErrnoTooLarge, "errno-too-large", diag.Warning,
		"An errno above 4095 is clamped by the kernel to 4095, and one above 65535 loses its high bits in seccomp's 16-bit return value: the call gets an errno the author did not write. Fix: use an errno from 1 to 4095, by name (EPERM, ENOSYS, …)."},
	{Clone3EPERM, "clone3-eperm", diag.Warning,
		"clone3 gets an errno other than ENOSYS, a kill or a trap (from a rule, or from the default while clone is allowed). glibc 2.34 and later create threads and processes with clone3 and fall back to clone only when clone3 fails with ENOSYS, so with EPERM every pthread_create and fork fails (and with kill, the process dies). Docker's default answers clone3 with ENOSYS for this reason. Fix: `deny clone3 errno ENOSYS`."},
	{HostLibseccompGap, "host-libseccomp-gap", diag.Warning,
		"The host's libseccomp (its version is in the message) does not know a syscall the rule names on one of the target arches. runc drops such names without a word, so the rule does nothing there and the call gets the default action. Fix: upgrade libseccomp on the hosts that run the profile, or do not rely on the rule there."},
	{UnusedIgnore, "unused-ignore", diag.Warning,
		"A `# secprof:ignore ID reason` comment silences nothing: the check it names does not fire on that rule (any more). A stale ignore would hide the next real finding. Fix: remove the comment."},
	{IgnoreNoReason, "ignore-without-reason", diag.Warning,
		"A `# secprof:ignore ID` comment gives no reason. The next reader needs to know why the hole is accepted. Fix: write the reason after the ID, e.g. `# secprof:ignore SP103 the debugger container needs ptrace`."},
	{IgnoreUnknownID, "ignore-unknown-check", diag.Warning,
		"A `# secprof:ignore` comment names no known check ID, so it silences nothing. Fix: use an ID that `secprof lint --explain` knows (SP101 …), as printed in the finding."},
}

// Lookup finds a check by ID (case-insensitive) or by name.
func Lookup(key string) (Check, bool) {
	for _, c := range checks {
		if strings.EqualFold(string(c.ID), key) || c.Name == key {
			return c, true
		}
	}
	return Check{}, false
}

// IDs lists every check ID, for suggestions.
func IDs() []string {
	out := make([]string, len(checks))
	for i, c := range checks {
		out[i] = string(c.ID)
	}
	return out
}

// Explain is `secprof lint --explain ID`: the check's ID, name and doc.
func (c Check) Explain() string {
	return fmt.Sprintf("%s %s (%s)\n\n%s\n", c.ID, c.Name, c.Severity, c.Doc)
}

// Markdown is docs/lint.md.
func Markdown() string {
	var b strings.Builder
	b.WriteString("# Lint checks\n\n")
	b.WriteString("`secprof lint FILE...` runs these checks; `compile` and `test` run them too and print\n")
	b.WriteString("their findings as warnings or errors. `secprof lint --explain ID` prints one entry.\n")
	b.WriteString("A comment `# secprof:ignore ID reason` on a rule's line (in JSON: `\"ignore\": [\"ID reason\"]`\n")
	b.WriteString("on the rule) silences that check for that rule only. This file is generated by\n")
	b.WriteString("`go generate ./lint`; do not edit it by hand.\n\n")
	b.WriteString("| ID | name | severity |\n|---|---|---|\n")
	for _, c := range checks {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", c.ID, strings.ToLower(string(c.ID)+"-"+c.Name), c.Name, c.Severity)
	}
	for _, c := range checks {
		fmt.Fprintf(&b, "\n## %s %s\n\n%s\n", c.ID, c.Name, c.Doc)
	}
	return b.String()
}
