package profiles

import (
	"time"

	"github.com/secprof/secprof/apparmor"
	"github.com/secprof/secprof/diag"
)

// Format names the front end a source was read with.
type Format string

const (
	FormatDSL    Format = "dsl"    // secprof's language (.sp)
	FormatJSON   Format = "json"   // secprof's JSON form, field for field the DSL
	FormatDocker Format = "docker" // Docker-format seccomp JSON
)

// File is one parsed source.
type File struct {
	Name   string // the path the source was read from
	Format Format

	// Profile is the name given by `profile NAME`; empty when none was given.
	Profile    string
	ProfilePos diag.Pos

	Seccomp  *Seccomp  // nil when the source has no seccomp part
	AppArmor *AppArmor // nil when the source has no apparmor block
	Test     *Test     // nil when the source has no test block
}

// Word is a token as written, with where it was written.
type Word struct {
	Pos  diag.Pos
	Text string
}

// Seccomp is the seccomp part of a source.
type Seccomp struct {
	Pos diag.Pos
	// Base names a profile this one builds on: "@docker-default" or a path
	// (relative to this file). nil when there is none.
	Base    *Word
	Default *Action // nil when the source did not say; the compiler decides
	// Arches lists target architectures as written (x86_64, x86, x32, or
	// the SCMP_ARCH_* spellings Docker uses). Empty means the default set.
	Arches []Word
	// ArchMap is Docker's per-native-arch list; only Docker input sets it.
	ArchMap []ArchMapEntry
	Flags   []Word // SECCOMP_FILTER_FLAG_* names
	// ListenerPath and ListenerMetadata carry Docker's seccomp-notify fields.
	ListenerPath     *Word
	ListenerMetadata *Word
	Rules            []*Rule
}

// ArchMapEntry is one entry of Docker's archMap.
type ArchMapEntry struct {
	Pos       diag.Pos
	Arch      Word
	SubArches []Word
}

// Action is what a rule or the default does with a syscall.
type Action struct {
	Pos  diag.Pos
	Kind Word // allow, deny, errno, kill, kill-process, kill-thread, trap, log, notify, trace
	// Errno is the errno name or number for deny/errno actions, nil when
	// none was written (the compiler then uses EPERM, as runc does).
	Errno *Word
	// Ret is the value for trace actions (Docker's errnoRet doubles as it).
	Ret *Word
}

// Rule is one seccomp rule: an action applied to syscalls, optionally only
// when argument conditions hold and only under Docker's includes/excludes.
type Rule struct {
	Pos     diag.Pos
	Action  Action
	Names   []Word // syscall names and @sets
	Conds   []*Cond
	When    []*Filter // Docker "includes": every filter must hold
	Unless  []*Filter // Docker "excludes": the rule is dropped when any holds
	Comment string    // Docker's "comment" field, kept for import
	// Ignores are the lint checks silenced on this rule: "# secprof:ignore
	// SP101 reason" on its line(s) in the DSL, "ignore" in JSON.
	Ignores []Ignore
}

// Ignore silences one lint check on one rule.
type Ignore struct {
	Pos    diag.Pos // where the comment or JSON string is
	Check  string   // the check's ID as written, such as SP101
	Reason string
}

// Op is a comparison in an argument condition.
type Op string

const (
	OpEQ       Op = "=="
	OpNE       Op = "!="
	OpLT       Op = "<"
	OpLE       Op = "<="
	OpGT       Op = ">"
	OpGE       Op = ">="
	OpMaskedEQ Op = "&==" // argN & Mask == Value
)

// Cond is one argument condition, `argN OP VALUE` or `argN & MASK == VALUE`.
type Cond struct {
	Pos      diag.Pos
	Arg      Word  // the argument, e.g. "arg0" (Docker input: the index as text)
	Op       Word  // one of the Op values, or a SCMP_CMP_* name from Docker input
	Mask     *Word // set exactly when Op is "&==" or SCMP_CMP_MASKED_EQ
	Value    Word
	ValueTwo *Word // Docker input: valueTwo as written (the datum of MASKED_EQ)
}

// Filter is one clause of Docker's includes/excludes.
type Filter struct {
	Pos  diag.Pos
	Kind Word   // cap, arch or kernel
	Args []Word // capability names, arch names, or one kernel version "5.8"
}

// AppArmor is an apparmor { } block: its statements, parsed into typed
// nodes. Names (capabilities, network families, bases, profile names) are
// kept as written; the compiler looks them up, so that every error can point
// at a word.
type AppArmor struct {
	Pos        diag.Pos
	Statements []AAStatement
}

// AAStatement is one statement of an apparmor block: one of AAName, AABase,
// AAInclude, AARuntimePeers, AAFile, AAAllFiles, AACapability, AANetwork,
// AAMount, AAPtrace or AASignal. String prints it as the DSL writes it.
type AAStatement interface {
	Start() diag.Pos
	String() string
	aaStatement()
}

// AAQualified is what every rule starts with: allow or deny as written,
// nil when neither was (an allow).
type AAQualified struct {
	Qualifier *Word
}

// Deny reports whether the rule takes access away.
func (q AAQualified) Deny() bool { return q.Qualifier != nil && q.Qualifier.Text == "deny" }

// AAName is `name NAME`: the AppArmor profile's name.
type AAName struct {
	Pos   diag.Pos
	Value Word
}

// AABase is `base docker-default|none`: the rules the profile starts from.
type AABase struct {
	Pos   diag.Pos
	Value Word
}

// AAInclude is `include <FILE>` (or a bare or quoted FILE): a file under
// /etc/apparmor.d. Path is the file without the angle brackets, positioned
// at the first word after include.
type AAInclude struct {
	Pos  diag.Pos
	Path Word
}

// AARuntimePeers is `runtime-peers on|off`.
type AARuntimePeers struct {
	Pos   diag.Pos
	Value Word // on or off
}

// AAFile is `[allow|deny] [owner] PATH MODE`. The parser has checked the
// glob and that the mode suits the qualifier; Access is Mode parsed.
type AAFile struct {
	Pos diag.Pos
	AAQualified
	Owner  *Word // nil when the rule is not for the file's owner only
	Path   Word
	Mode   Word
	Access apparmor.Mode
}

// AAAllFiles is `[allow|deny] file`: a rule for every file.
type AAAllFiles struct {
	Pos diag.Pos
	AAQualified
	Keyword Word
}

// AACapability is `[allow|deny] capability [NAME...]`; no names means every
// capability.
type AACapability struct {
	Pos diag.Pos
	AAQualified
	Keyword Word
	Names   []Word
}

// AANetwork is `[allow|deny] network [FAMILY] [TYPE] [PROTOCOL]`; the
// compiler tells which word is which.
type AANetwork struct {
	Pos diag.Pos
	AAQualified
	Keyword Word
	Args    []Word
}

// AAMount is `[allow|deny] mount|remount|umount|pivot_root`, with no
// options: it covers every operation of its kind.
type AAMount struct {
	Pos diag.Pos
	AAQualified
	Kind Word
}

// AAPeerRule is what ptrace and signal rules share: the accesses as
// written (each one AppArmor knows for the kind; none means all) and the
// peer, positioned at the name after "peer=".
type AAPeerRule struct {
	Pos diag.Pos
	AAQualified
	Keyword Word // ptrace or signal
	Access  []Word
	Peer    *Word
}

// AAPtrace is `[allow|deny] ptrace [ACCESS...] [peer=NAME]`.
type AAPtrace struct{ AAPeerRule }

// AASignal is `[allow|deny] signal [(ACCESS, ...)] [peer=NAME]`.
type AASignal struct{ AAPeerRule }

// Test is a test { } block: expectations proven against a compiled profile.
type Test struct {
	Pos     diag.Pos
	Expects []*Expect
	Runs    []*Run
}

// Expect is `expect SYSCALL[(ARG, ...)] RESULT`, checked by making the
// syscall in a process that has loaded the filter.
type Expect struct {
	Pos     diag.Pos
	Syscall Word
	Args    []Word // up to six argument values as written
	Result  Action // allow, errno [NAME], kill, trap, log...
}

// Run is `run "CMD" succeeds|fails|killed [timeout DURATION]`, checked in
// a throwaway container.
type Run struct {
	Pos     diag.Pos
	Command Word
	Want    Word
	// Timeout is the duration as written, nil when none was; Limit is its
	// value (0 when none was written: the caller's default applies).
	Timeout *Word
	Limit   time.Duration
}
