package rootfs

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// ImageRepo is the repository of the Docker images made from built trees;
// the tag is the tree's hash, so an image is imported once per tree.
const ImageRepo = "secprof-test"

var imageMu sync.Mutex

// ImageTag is the Docker image name for the tree.
func (f FS) ImageTag() string { return ImageRepo + ":" + f.Hash[:16] }

// Image returns the tag of a Docker image holding the tree, importing it
// with "docker import" first when the engine does not have it. The image is
// a cache like the tree itself and is kept for the next run.
func (f FS) Image(ctx context.Context) (string, error) {
	imageMu.Lock()
	defer imageMu.Unlock()
	tag := f.ImageTag()
	if exec.CommandContext(ctx, "docker", "image", "inspect", "--format", "{{.Id}}", tag).Run() == nil {
		return tag, nil
	}
	cmd := exec.CommandContext(ctx, "docker", "import", "-", tag)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pw, err := cmd.StdinPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("docker import: %w", err)
	}
	werr := writeTar(pw, f.Dir)
	pw.Close()
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("docker import %s: %w: %s", tag, err, strings.TrimSpace(stderr.String()))
	}
	if werr != nil {
		return "", fmt.Errorf("docker import %s: %w", tag, werr)
	}
	pruneImages(ctx, tag)
	return tag, nil
}

// pruneImages removes the images of older trees (a host upgrade made a new
// one). docker rmi without --force keeps any image a container still uses.
func pruneImages(ctx context.Context, keep string) {
	out, err := exec.CommandContext(ctx, "docker", "images", ImageRepo, "--format", "{{.Repository}}:{{.Tag}}").Output()
	if err != nil {
		return
	}
	for _, img := range strings.Fields(string(out)) {
		if img != keep {
			exec.CommandContext(ctx, "docker", "rmi", img).Run()
		}
	}
}

// writeTar streams dir as a tar archive owned by root, the form
// "docker import" expects.
func writeTar(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "root", "root"
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(tw, src)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}
