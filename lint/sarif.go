package lint

import (
	"encoding/json"
	"net/url"
	"path/filepath"

	"github.com/secprof/secprof/diag"
)

// SARIF 2.1.0 (OASIS), the subset code review systems read: the tool's
// rules, and results with a rule, level, message and position.
type (
	// SARIFLog is a SARIF file.
	SARIFLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []SARIFRun `json:"runs"`
	}
	SARIFRun struct {
		Tool    SARIFTool     `json:"tool"`
		Results []SARIFResult `json:"results"`
	}
	SARIFTool struct {
		Driver SARIFDriver `json:"driver"`
	}
	SARIFDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []SARIFRule `json:"rules"`
	}
	SARIFRule struct {
		ID                   string            `json:"id"`
		Name                 string            `json:"name"`
		ShortDescription     SARIFText         `json:"shortDescription"`
		FullDescription      SARIFText         `json:"fullDescription"`
		DefaultConfiguration SARIFRuleDefaults `json:"defaultConfiguration"`
	}
	SARIFRuleDefaults struct {
		Level string `json:"level"`
	}
	SARIFText struct {
		Text string `json:"text"`
	}
	SARIFResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   SARIFText       `json:"message"`
		Locations []SARIFLocation `json:"locations,omitempty"`
	}
	SARIFLocation struct {
		PhysicalLocation SARIFPhysical `json:"physicalLocation"`
	}
	SARIFPhysical struct {
		ArtifactLocation SARIFArtifact `json:"artifactLocation"`
		Region           *SARIFRegion  `json:"region,omitempty"`
	}
	SARIFArtifact struct {
		URI string `json:"uri"`
	}
	SARIFRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
)

// SARIFSchema is the schema URI a SARIF 2.1.0 file names.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// SARIF renders findings as a SARIF 2.1.0 log with one run. Every check
// is listed as a rule, so a viewer can show any result's documentation;
// a diagnostic of no check is a result of SP000.
func SARIF(findings diag.List, toolVersion string) []byte {
	index := map[ID]int{}
	driver := SARIFDriver{Name: "secprof", Version: toolVersion, InformationURI: "https://github.com/secprof/secprof/blob/main/docs/lint.md"}
	for i, c := range checks {
		index[c.ID] = i
		driver.Rules = append(driver.Rules, SARIFRule{
			ID: string(c.ID), Name: c.Name,
			ShortDescription:     SARIFText{c.Name},
			FullDescription:      SARIFText{c.Doc},
			DefaultConfiguration: SARIFRuleDefaults{sarifLevel(c.Severity)},
		})
	}
	results := []SARIFResult{}
	for _, d := range findings {
		id := ID(d.Check)
		if _, ok := index[id]; !ok {
			id = ProfileDiagnostic
		}
		r := SARIFResult{RuleID: string(id), RuleIndex: index[id], Level: sarifLevel(d.Severity), Message: SARIFText{sarifMessage(d)}}
		if d.Pos.File != "" {
			loc := SARIFLocation{PhysicalLocation: SARIFPhysical{ArtifactLocation: SARIFArtifact{URI: fileURI(d.Pos.File)}}}
			if d.Pos.IsValid() {
				loc.PhysicalLocation.Region = &SARIFRegion{StartLine: d.Pos.Line, StartColumn: max(d.Pos.Col, 0)}
			}
			r.Locations = []SARIFLocation{loc}
		}
		results = append(results, r)
	}
	log := SARIFLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []SARIFRun{{Tool: SARIFTool{Driver: driver}, Results: results}}}
	out, _ := json.MarshalIndent(log, "", "  ")
	return append(out, '\n')
}

// sarifMessage is the diagnostic's text without position and severity,
// which SARIF carries in their own fields.
func sarifMessage(d diag.Diagnostic) string {
	d.Pos, d.Check = diag.Pos{}, ""
	s := d.String()
	return s[len(d.Severity.String())+2:]
}

func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

// fileURI turns a path into a URI reference: relative paths stay relative
// (to the directory lint ran in), absolute ones become file URIs, and
// characters such as spaces and # are escaped.
func fileURI(path string) string {
	u := url.URL{Path: filepath.ToSlash(path)}
	if filepath.IsAbs(path) {
		u.Scheme = "file"
	}
	return u.String()
}
