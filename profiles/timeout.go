package profiles

import (
	"fmt"
	"strconv"
	"time"
)

// A run line's timeout, `run "CMD" succeeds timeout 5s`, is a Go duration
// within these bounds: long enough for a container's command to start,
// short enough that a forgotten "sleep" cannot hold CI for a day.
const (
	RunTimeoutMin = 100 * time.Millisecond
	RunTimeoutMax = time.Hour
	// The bounds as the README writes them.
	runTimeoutMinText = "100ms"
	runTimeoutMaxText = "1h"
)

// ParseRunTimeout reads a run line's (or --timeout's) duration. Its error
// says what is wrong; suggestion, when not empty, is a likely fix.
func ParseRunTimeout(s string) (d time.Duration, suggestion string, err error) {
	d, err = time.ParseDuration(s)
	if err != nil {
		if n, nerr := strconv.ParseFloat(s, 64); nerr == nil && n > 0 {
			return 0, s + "s", fmt.Errorf("timeout %q has no unit", s)
		}
		return 0, "", fmt.Errorf("timeout %q is not a duration; write it as Go does, e.g. 5s, 1m30s, 500ms", s)
	}
	return d, "", checkRunTimeout(s, d)
}

// CheckRunTimeout checks a timeout against the bounds.
func CheckRunTimeout(d time.Duration) error { return checkRunTimeout(d.String(), d) }

func checkRunTimeout(written string, d time.Duration) error {
	switch {
	case d < RunTimeoutMin:
		return fmt.Errorf("timeout %s is shorter than the minimum, %s", written, runTimeoutMinText)
	case d > RunTimeoutMax:
		return fmt.Errorf("timeout %s is longer than the maximum, %s", written, runTimeoutMaxText)
	}
	return nil
}
