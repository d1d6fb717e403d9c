// File-system calls that Swift's Glibc module does not import (they need _GNU_SOURCE).
#ifndef LEUKO_CFILESYSTEM_H
#define LEUKO_CFILESYSTEM_H

/// Renames `from` to `to` (both relative to the current directory or absolute) only when `to`
/// does not exist: renameat2(RENAME_NOREPLACE). Returns 0, or -1 with errno set: EEXIST when
/// `to` exists; EINVAL or ENOSYS when the file system or kernel cannot do it (the caller then
/// falls back to another no-clobber primitive).
int leuko_rename_noreplace(const char *from, const char *to);

/// The same relative to directory descriptors (renameat2(olddirfd, from, newdirfd, to,
/// RENAME_NOREPLACE)): `from` and `to` are single names inside those directories.
int leuko_renameat_noreplace(int fromdir, const char *from, int todir, const char *to);

#endif
