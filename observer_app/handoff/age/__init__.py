"""age encryption of bundles: in a child process (`process`, `child`, `child_process`) or, where
no child can start, in threads of this process (`stream`)."""
