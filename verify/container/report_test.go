package container

import (
	"errors"
	"testing"
)

func errorsIs(err error, target **UnavailableError) bool {
	return errors.Is(err, ErrEngineUnavailable) && errors.As(err, target)
}

func TestParseReport(t *testing.T) {
	const n = "abc"
	tests := []struct {
		name   string
		stdout string
		exit   int
		status map[int]int
		output map[int]string
		done   bool
	}{
		{
			name:   "complete",
			stdout: "abc ready\n\nabc begin 0\nhello\n\nabc end 0 0\n\nabc begin 1\nno newline\nabc end 1 1\nabc done\n",
			status: map[int]int{0: 0, 1: 1},
			output: map[int]string{0: "hello\n", 1: "no newline"},
			done:   true,
		},
		{
			name:   "output that imitates a frame without the nonce",
			stdout: "abc ready\n\nabc begin 0\nxyz end 0 0\n\nabc end 0 2\nabc done\n",
			status: map[int]int{0: 2},
			output: map[int]string{0: "xyz end 0 0\n"},
			done:   true,
		},
		{
			name:   "driver killed by SIGSYS during command 1",
			stdout: "abc ready\n\nabc begin 0\n\nabc end 0 0\n\nabc begin 1\n",
			exit:   sigsys,
			status: map[int]int{0: 0, 1: sigsys},
			output: map[int]string{0: "", 1: ""},
		},
		{
			name:   "container did not start",
			stdout: "",
			exit:   1,
			status: map[int]int{},
			output: map[int]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseReport(n, []byte(tt.stdout), tt.exit, "")
			if r.done != tt.done {
				t.Errorf("done = %v, want %v", r.done, tt.done)
			}
			if len(r.status) != len(tt.status) {
				t.Errorf("status = %v, want %v", r.status, tt.status)
			}
			for i, s := range tt.status {
				if r.status[i] != s || r.output[i] != tt.output[i] {
					t.Errorf("command %d: status %d output %q, want %d %q", i, r.status[i], r.output[i], s, tt.output[i])
				}
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	checks := []Check{
		{Command: "a", Want: Succeeds}, {Command: "b", Want: Fails}, {Command: "c", Want: Killed},
		{Command: "d", Want: Fails}, {Command: "e", Want: Succeeds},
	}
	main := &report{ready: true, began: 3, status: map[int]int{0: 0, 1: 1, 2: sigsys, 3: 1}, output: map[int]string{}}
	control := &report{ready: true, began: 4, status: map[int]int{0: 0, 1: 0, 2: 0, 3: 2, 4: 0}, output: map[int]string{}}
	got := evaluate(checks, main, control)
	wantOK := []bool{true, true, true, false, false}
	for i, r := range got {
		if r.OK != wantOK[i] {
			t.Errorf("%s: ok = %v (%s), want %v", r.Check.Command, r.OK, r.Why, wantOK[i])
		}
	}
	if got[2].Signal != "SIGSYS" || got[2].Got() != "killed (SIGSYS)" {
		t.Errorf("killed check: signal %q, got %q", got[2].Signal, got[2].Got())
	}
	if got[4].ExitCode != -1 || got[4].Got() != "not run" {
		t.Errorf("unrun check: %+v", got[4])
	}
}

func TestControlChecks(t *testing.T) {
	s, f, k := Check{Want: Succeeds}, Check{Want: Fails}, Check{Want: Killed}
	tests := []struct {
		checks []Check
		want   int
	}{
		{nil, 0},
		{[]Check{s, k, s}, 0},
		{[]Check{f}, 1},
		{[]Check{s, f, s, k}, 2},
		{[]Check{f, s, f, s, s}, 3},
	}
	for _, tt := range tests {
		if got := controlChecks(tt.checks); got != tt.want {
			t.Errorf("controlChecks(%v) = %d, want %d", tt.checks, got, tt.want)
		}
	}
}
