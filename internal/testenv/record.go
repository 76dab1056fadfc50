package testenv

import (
	"fmt"
	"runtime"
	"testing"
)

// Outcome is what a test helper did to the test it was given: skipped it,
// failed it (Fatal), or neither. Tests of skip rules use it to show that a
// helper fails where it must not skip.
type Outcome struct {
	Skipped, Failed string
}

type recorder struct {
	testing.TB
	out *Outcome
}

func (r recorder) Helper() {}

func (r recorder) Skipf(format string, args ...any) {
	r.out.Skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r recorder) Skip(args ...any) {
	r.out.Skipped = fmt.Sprint(args...)
	runtime.Goexit()
}

func (r recorder) Fatalf(format string, args ...any) {
	r.out.Failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r recorder) Fatal(args ...any) {
	r.out.Failed = fmt.Sprint(args...)
	runtime.Goexit()
}

func (r recorder) Errorf(format string, args ...any) {
	r.out.Failed = fmt.Sprintf(format, args...)
}

// Record runs f with a testing.TB that records Skip and Fatal instead of
// acting on t. f runs on its own goroutine, as Skip and Fatal end the
// goroutine they are called on.
func Record(t testing.TB, f func(testing.TB)) Outcome {
	var out Outcome
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(recorder{TB: t, out: &out})
	}()
	<-done
	return out
}
