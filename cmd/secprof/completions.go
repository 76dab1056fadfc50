package main

import (
	"io"

	"github.com/secprof/secprof/pipeline"
)

// installCompletionsCmd puts the completion hook into the user's shell
// startup file (pipeline.Completions).
type installCompletionsCmd struct {
	Shell     string `help:"bash, zsh or fish; default: the shell named by $SHELL." enum:",bash,zsh,fish" default:""`
	Print     bool   `help:"Change nothing: print the lines to add and the file they belong in."`
	Uninstall bool   `help:"Remove the lines an install added."`
}

func (c *installCompletionsCmd) Run(g *globals, stdout io.Writer) error {
	r, err := pipeline.Completions(pipeline.CompletionRequest{Shell: c.Shell, Print: c.Print, Uninstall: c.Uninstall})
	if err != nil {
		return err
	}
	if g.JSON {
		writeJSON(stdout, r)
		return nil
	}
	_, err = io.WriteString(stdout, r.Message)
	return err
}
