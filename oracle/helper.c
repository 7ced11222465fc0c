/*
 * pipecheck-oracle: runs a pipecheck trace as real syscalls on the live
 * kernel, on a scratch file in a fresh temporary directory under --fs DIR.
 *
 * The scratch directory is created with mkdtemp(DIR/pipecheck-oracle-XXXXXX);
 * the file inside it is created, opened, and both are unlinked/removed at
 * once, so nothing is left behind even if the helper is killed. No other path
 * is ever written.
 *
 * Protocol (stdin, one directive per line, '#' starts a comment):
 *   cells C            cells per 4 KiB page (1, 2, 4 or 8)
 *   slots S            pipe capacity in slots (F_SETPIPE_SZ S*4096)
 *   userpages U        anonymous user pages (vmsplice source)
 *   pages P            optional: pages to map for mmap-store (default: the
 *                      largest extent the trace can reach)
 *   file v v v ...     initial file cells (count = size in cells)
 *   folios f f ...     optional: initial folio sizes in pages, file order
 *   cached 0|1         initial page-cache state (default 1)
 *   clean 0|1          with cached 1: fdatasync after building, so the
 *                      folios are clean (default 0: dirty, as written)
 *   user i v v ...     initial cells of user page i
 *   trace 0|1          print an "after" line with folio state after each step
 *   step OP ARGS...    write off len value | mmap-store off value |
 *                      fallocate-punch off len | truncate size |
 *                      splice off len move | vmsplice page gift source |
 *                      user-store page cell value | pipe-write len value |
 *                      pipe-read len pipe | tee len | writeback page |
 *                      evict page | sendfile off len | socket-read len |
 *                      pipe-splice len | fallocate-zero off len |
 *                      fpos-write len value | direct-write off len value |
 *                      copy-file-range off len value | fallocate-collapse off len |
 *                      fallocate-insert off len | unlink | splice-out off len |
 *                      mmap-private-store off value
 *                      (fallocate-insert: skip BOUNDS when the file
 *                      would grow past the pages line, as the model's does not)
 *                      direct-write: pwrite on a second fd opened O_DIRECT
 *                      (err EINVAL where the open is refused: tmpfs before 6.6)
 *                      (through /proc/self/fd), from a page-aligned buffer;
 *                      copy-file-range: the second scratch file is refilled
 *                      with len cells of value plus one page (so a reflink
 *                      never ends at its EOF), then copy_file_range from its
 *                      offset 0 into the file at off
 *   end
 * Output (stdout):
 *   probe K V...       facts about the setup (fs type, pipe slots, ...)
 *   init folios ... dirty ...  the initial folio structure actually obtained
 *   init cached N      pages of the file in the page cache after setup
 *   one line per step: ok N | ok read v v ... | err ENAME | skip REASON
 *                      (splice-out replies "ok read" with the cells it wrote,
 *                      read back from the file)
 *   (trace 1) after folios f ... dirty d ...
 *   folios f ...       final folio sizes (pages) in file order, 0 = uncached
 *   dirty d ...        per entry of folios: 1 if dirty
 *   size N             final size in cells
 *   file v v ...       final file cells through read() (-1 = mixed bytes)
 *   pipe N M K         bytes left in pipe 0, pipe 1 and the socket (unread by its peer)
 *   (after an unlink step the file is gone: "unlinked" instead of the
 *   folios, dirty, size and file lines, and every later step that needs the
 *   file prints "skip UNLINKED")
 *   done
 *   error MSG          bad input or setup failure (exit status 2)
 *
 * --probe: report the file system's folio behaviour instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <unistd.h>

#define PG 4096L
#define MAXP 4096
#define KPF_DIRTY (1ULL << 4)
#define KPF_HEAD (1ULL << 15)
#define KPF_TAIL (1ULL << 16)

static int cells = 1, slots = 0, userpages = 0, mappages = 0, cached = 1,
           tracing = 0, clean = 0;
static int filecells[MAXP * 8], nfilecells = 0;
static int foliosz[MAXP], nfolios = -1;
static unsigned char *user;
static int usercells[64][8];
static int userset[64];

struct step {
  char op[24];
  long a[3];
  int na;
};
static struct step *steps; /* grown as the trace needs */
static int nsteps = 0, capsteps = 0;

static char dirpath[4096];
static int gfd = -1; /* the second scratch file, copy-file-range's source */
static int fd = -1, p0[2] = {-1, -1}, p1[2] = {-1, -1};
/* the stream socket sendfile sends into (sv[0]) and its peer reads (sv[1]);
 * the model's socket queue holds as many buffers as a pipe, one per page part
 * sent: sq[] mirrors it (bytes per buffer, oldest first) so that a sendfile
 * sends what the model's queue has room for */
static int sv[2] = {-1, -1}, qslots = 16;
static long sq[64];
static int nsq = 0;
static char *map, *pmap; /* the MAP_SHARED and the MAP_PRIVATE mapping of the file */
static long maplen;
static int unlinked = 0; /* after an unlink step: fd closed, mappings gone */
static int kpf_fd = -1, pm_fd = -1, kpf_ok = 1;

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("error ");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  fflush(stdout);
  exit(2);
}

static const char *ename(int e) {
  switch (e) {
#define E(x) case x: return #x;
    E(EAGAIN) E(EINVAL) E(EBADF) E(ENOMEM) E(EFAULT) E(EPIPE) E(ENOSPC)
    E(EIO) E(EFBIG) E(EOPNOTSUPP) E(EBUSY) E(EXDEV) E(ESPIPE) E(ENXIO)
    E(EPERM) E(EACCES) E(EINTR) E(ENOSYS) E(EROFS) E(ENODEV) E(ETXTBSY)
#undef E
  default: {
    static char b[32];
    snprintf(b, sizeof b, "E%d", e);
    return b;
  }
  }
}

static long cellbytes(void) { return PG / cells; }

static uint64_t kpf(uint64_t pfn) {
  uint64_t v = 0;
  if (kpf_fd < 0) kpf_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
  if (kpf_fd < 0 || pread(kpf_fd, &v, 8, (off_t)(pfn * 8)) != 8) {
    kpf_ok = 0;
    return 0;
  }
  return v;
}

static long file_size(void) {
  struct stat st;
  if (fstat(fd, &st)) return 0;
  return st.st_size;
}

/* Folio structure of the file's pages, without loading uncached pages:
 * mincore tells what is cached; only cached pages are touched (read fault
 * with MADV_RANDOM, so no readahead) to learn their PFN from pagemap, and
 * /proc/kpageflags tells compound head/tail. Prints "folios ... dirty ...". */
static long report_folios(const char *prefix) {
  long maxsz = 0;
  long size = file_size();
  long np = (size + PG - 1) / PG;
  /* At most " 1024+1023" per page in fb and " ?" per page in db. */
  char *fb = malloc(np * 12 + 1), *db = malloc(np * 3 + 1);
  int fn = 0, dn = 0;
  if (!fb || !db) die("out of memory for a %ld-page folio report", np);
  fb[0] = db[0] = 0;
  if (np > 0) {
    if (pm_fd < 0) pm_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    char *m = mmap(NULL, np * PG, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
      printf("%sfolios ? dirty ?\n", prefix);
      free(fb);
      free(db);
      return -1;
    }
    madvise(m, np * PG, MADV_RANDOM);
    unsigned char *vec = calloc(np, 1);
    /* Readahead that a read, splice or fault started goes on after the call
     * returns: the call waits only for the page it needs (a hole's page is
     * zeroed at once while the I/O for its neighbours is in flight), and a
     * folio under read I/O is not uptodate, so mincore does not count it yet.
     * Wait until what mincore sees stays the same for 2 ms (at most 100 ms). */
    unsigned char *again = calloc(np, 1);
    mincore(m, np * PG, vec);
    for (int tries = 0; tries < 50; tries++) {
      usleep(2000);
      mincore(m, np * PG, again);
      if (!memcmp(vec, again, np)) break;
      memcpy(vec, again, np);
    }
    free(again);
    long p = 0;
    while (p < np) {
      if (!(vec[p] & 1)) {
        fn += sprintf(fb + fn, " 0");
        dn += sprintf(db + dn, " 0");
        p++;
        continue;
      }
      volatile char c = m[p * PG];
      (void)c;
      uint64_t e = 0;
      if (pm_fd < 0 ||
          pread(pm_fd, &e, 8, (off_t)(((uintptr_t)m / PG + p) * 8)) != 8 ||
          !((e >> 63) & 1) || (e & ((1ULL << 55) - 1)) == 0) {
        kpf_ok = 0;
        fn += sprintf(fb + fn, " ?");
        dn += sprintf(db + dn, " ?");
        p++;
        continue;
      }
      uint64_t pfn = e & ((1ULL << 55) - 1), head = pfn;
      uint64_t f = kpf(pfn);
      if (!kpf_ok) {
        fn += sprintf(fb + fn, " ?");
        dn += sprintf(db + dn, " ?");
        p++;
        continue;
      }
      if (f & KPF_TAIL)
        while (head > 0 && !(kpf(head) & KPF_HEAD) && pfn - head < 1024) head--;
      long sz = 1;
      uint64_t hf = kpf(head);
      if (hf & KPF_HEAD)
        while ((kpf(head + sz) & KPF_TAIL) && sz < 1024) sz++;
      long within = (long)(pfn - head);
      /* a folio whose head is before this page (only possible if the page
       * before is uncached, which cannot happen inside one folio) */
      if (within) fn += sprintf(fb + fn, " %ld+%ld", sz, within);
      else fn += sprintf(fb + fn, " %ld", sz);
      dn += sprintf(db + dn, " %d", (hf & KPF_DIRTY) ? 1 : 0);
      if (sz > maxsz) maxsz = sz;
      p += sz - within;
    }
    free(vec);
    munmap(m, np * PG);
  }
  printf("%sfolios%s dirty%s\n", prefix, fb, db);
  free(fb);
  free(db);
  return kpf_ok ? maxsz : -1;
}

static long cached_pages(void) {
  long np = (file_size() + PG - 1) / PG, c = 0;
  if (np <= 0) return 0;
  char *m = mmap(NULL, np * PG, PROT_READ, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) return -1;
  unsigned char *vec = calloc(np, 1);
  mincore(m, np * PG, vec);
  for (long i = 0; i < np; i++) c += vec[i] & 1;
  free(vec);
  munmap(m, np * PG);
  return c;
}

static void fill_cells(char *buf, const int *v, int n) {
  for (int i = 0; i < n; i++) memset(buf + i * cellbytes(), v[i], cellbytes());
}

static void print_cells(const char *buf, long bytes) {
  long cb = cellbytes();
  for (long i = 0; i < bytes; i += cb) {
    long n = bytes - i < cb ? bytes - i : cb;
    int v = (unsigned char)buf[i];
    for (long j = 1; j < n; j++)
      if ((unsigned char)buf[i + j] != v) {
        v = -1;
        break;
      }
    printf(" %d", v);
  }
}

static const char *fstype(long t) {
  switch (t) {
  case 0xEF53: return "ext4";
  case 0x01021994: return "tmpfs";
  case 0x9123683E: return "btrfs";
  case 0x58465342: return "xfs";
  case 0x794c7630: return "overlayfs";
  case 0x2fc12fc1: return "zfs";
  case 0xF2F52010: return "f2fs";
  case 0x6969: return "nfs";
  case 0x65735546: return "fuse";
  default: return "other";
  }
}

static void make_scratch(const char *dir) {
  snprintf(dirpath, sizeof dirpath, "%s/pipecheck-oracle-XXXXXX", dir);
  if (!mkdtemp(dirpath)) die("mkdtemp %s: %s", dir, strerror(errno));
  char path[4200];
  snprintf(path, sizeof path, "%s/f", dirpath);
  fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int e = errno;
  if (fd >= 0) unlink(path);
  snprintf(path, sizeof path, "%s/g", dirpath);
  gfd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int ge = errno;
  if (gfd >= 0) unlink(path);
  rmdir(dirpath);
  if (fd < 0) die("open scratch file: %s", strerror(e));
  if (gfd < 0) die("open second scratch file: %s", strerror(ge));
  struct statfs sf;
  if (fstatfs(fd, &sf) == 0)
  {
    printf("probe fs %s 0x%lx\n", fstype((long)sf.f_type), (long)sf.f_type);
    printf("probe block-size %ld\n", (long)sf.f_bsize);
  }
}

static int do_probe(void) {
  static char big[2 * 1024 * 1024 + PG];
  memset(big, 7, sizeof big);
  /* largest folio from one big write */
  if (pwrite(fd, big, 2 * 1024 * 1024, 0) < 0) die("pwrite: %s", strerror(errno));
  printf("probe big-write ");
  long mx = report_folios("");
  printf("probe max-folio-pages %ld\n", mx);
  printf("probe large-folios %d\n", mx > 1 ? 1 : (mx < 0 ? -1 : 0));
  ftruncate(fd, 0);
  pwrite(fd, big, 4 * PG, 0);
  printf("probe write-4-pages ");
  report_folios("");
  fdatasync(fd);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  printf("probe evictable %d\n", cached_pages() == 0 ? 1 : 0);
  printf("probe kpageflags %d\n", kpf_ok);
  printf("probe pipe-slots");
  for (int s = 1; s <= 16; s++) {
    int p[2];
    if (pipe(p)) break;
    int r = fcntl(p[1], F_SETPIPE_SZ, s * PG);
    printf(" %d:%d", s, r < 0 ? -1 : (int)(r / PG));
    close(p[0]);
    close(p[1]);
  }
  printf("\n");
  printf("done\n");
  return 0;
}

static long need_long(char **save, const char *what) {
  char *t = strtok_r(NULL, " \t\r\n", save);
  if (!t) die("missing %s", what);
  char *end;
  long v = strtol(t, &end, 10);
  if (*end) die("bad number '%s' for %s", t, what);
  return v;
}

/* Every offset, length and size a step gives, in bytes, must stay within
 * MAXP pages (the folio report and the mapping are sized for that) and be
 * non-negative; a trace that asks for more is refused whole. */
static void check_extents(void) {
  long cb = cellbytes(), max = (long)MAXP * PG;
  for (int i = 0; i < nsteps; i++) {
    struct step *s = &steps[i];
    long end = 0;
    for (int k = 0; k < s->na; k++)
      if (s->a[k] < 0 || s->a[k] > max)
        die("step %d (%s): argument %d is %ld, out of range 0..%ld", i + 1,
            s->op, k + 1, s->a[k], max);
    if (!strcmp(s->op, "write") || !strcmp(s->op, "fallocate-punch") ||
        !strcmp(s->op, "splice") || !strcmp(s->op, "direct-write") ||
        !strcmp(s->op, "copy-file-range") || !strcmp(s->op, "fallocate-collapse") ||
        !strcmp(s->op, "fallocate-insert") || !strcmp(s->op, "splice-out"))
      end = s->na >= 2 ? (s->a[0] + s->a[1]) * cb : 0;
    else if (!strcmp(s->op, "truncate"))
      end = s->na >= 1 ? s->a[0] * cb : 0;
    else if (!strcmp(s->op, "mmap-store") || !strcmp(s->op, "mmap-private-store"))
      end = s->na >= 1 ? (s->a[0] + 1) * cb : 0;
    if (end > max)
      die("step %d (%s) reaches byte %ld, past the %d pages this helper handles",
          i + 1, s->op, end, MAXP);
  }
}

static void parse(void) {
  char line[65536];
  int ended = 0;
  while (!ended && fgets(line, sizeof line, stdin)) {
    char *h = strchr(line, '#');
    if (h) *h = 0;
    char *save;
    char *k = strtok_r(line, " \t\r\n", &save);
    if (!k) continue;
    if (!strcmp(k, "end")) ended = 1;
    else if (!strcmp(k, "cells")) {
      cells = (int)need_long(&save, "cells");
      if (cells != 1 && cells != 2 && cells != 4 && cells != 8)
        die("cells must be 1, 2, 4 or 8");
    } else if (!strcmp(k, "slots")) slots = (int)need_long(&save, "slots");
    else if (!strcmp(k, "userpages")) {
      userpages = (int)need_long(&save, "userpages");
      if (userpages < 0 || userpages > 64) die("userpages out of range");
    } else if (!strcmp(k, "pages")) mappages = (int)need_long(&save, "pages");
    else if (!strcmp(k, "cached")) cached = (int)need_long(&save, "cached");
    else if (!strcmp(k, "clean")) clean = (int)need_long(&save, "clean");
    else if (!strcmp(k, "trace")) tracing = (int)need_long(&save, "trace");
    else if (!strcmp(k, "file")) {
      char *t;
      nfilecells = 0;
      while ((t = strtok_r(NULL, " \t\r\n", &save))) {
        if (nfilecells >= MAXP * 8) die("file too large");
        filecells[nfilecells++] = atoi(t);
      }
    } else if (!strcmp(k, "folios")) {
      char *t;
      nfolios = 0;
      while ((t = strtok_r(NULL, " \t\r\n", &save))) {
        if (nfolios >= MAXP) die("too many folios");
        foliosz[nfolios++] = atoi(t);
      }
    } else if (!strcmp(k, "user")) {
      long i = need_long(&save, "user page");
      if (i < 0 || i >= 64) die("user page out of range");
      char *t;
      int n = 0;
      while ((t = strtok_r(NULL, " \t\r\n", &save)) && n < 8)
        usercells[i][n++] = atoi(t);
      userset[i] = 1;
    } else if (!strcmp(k, "step")) {
      if (nsteps == capsteps) {
        capsteps = capsteps ? 2 * capsteps : 256;
        steps = realloc(steps, capsteps * sizeof *steps);
        if (!steps) die("out of memory for %d steps", capsteps);
      }
      struct step *s = &steps[nsteps++];
      char *op = strtok_r(NULL, " \t\r\n", &save);
      if (!op) die("step without op");
      snprintf(s->op, sizeof s->op, "%s", op);
      char *t;
      s->na = 0;
      while ((t = strtok_r(NULL, " \t\r\n", &save)) && s->na < 3) {
        if (!strcmp(t, "true")) s->a[s->na++] = 1;
        else if (!strcmp(t, "false")) s->a[s->na++] = 0;
        else s->a[s->na++] = atol(t);
      }
    } else die("unknown directive '%s'", k);
  }
  if (!ended) die("missing 'end'");
  check_extents();
}

static void build_initial(void) {
  long cb = cellbytes();
  long size = (long)nfilecells * cb;
  long np = (size + PG - 1) / PG;
  long alloc = np + 1;
  if (nfolios > 0) {
    long tot = 0;
    for (int i = 0; i < nfolios; i++) tot += foliosz[i] > 0 ? foliosz[i] : 1;
    if (tot + 1 > alloc) alloc = tot + 1;
  }
  char *buf = calloc(alloc, PG);
  fill_cells(buf, filecells, nfilecells);
  if (nfolios < 0) { /* default: one pwrite per page (order-0 folios) */
    nfolios = (int)np;
    for (long i = 0; i < np; i++) foliosz[i] = 1;
  }
  long p = 0;
  int truncate_after = 0;
  for (int i = 0; i < nfolios && p < np; i++) {
    long f = foliosz[i] > 0 ? foliosz[i] : 1;
    long bytes = f * PG;
    if ((p + f) * PG > size) truncate_after = 1; /* folio straddles EOF */
    if (pwrite(fd, buf + p * PG, bytes, p * PG) != bytes)
      die("initial pwrite: %s", strerror(errno));
    p += f;
  }
  if (p < np) { /* pages not covered by 'folios': page by page */
    for (; p < np; p++)
      if (pwrite(fd, buf + p * PG, PG, p * PG) != PG)
        die("initial pwrite: %s", strerror(errno));
  }
  if (truncate_after || file_size() != size)
    if (ftruncate(fd, size)) die("initial ftruncate: %s", strerror(errno));
  free(buf);
  if (clean && cached) fdatasync(fd); /* written back: clean but cached */
  if (!cached) {
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    long c = cached_pages();
    if (c != 0) printf("probe uncached-unachievable %ld\n", c);
  }
  report_folios("init ");
  printf("init cached %ld\n", cached_pages());
}

static long max_extent_pages(void) {
  long cb = cellbytes(), mx = (long)nfilecells * cb, grow = 0;
  for (int i = 0; i < nsteps; i++) {
    struct step *s = &steps[i];
    if ((!strcmp(s->op, "write") || !strcmp(s->op, "direct-write") ||
         !strcmp(s->op, "copy-file-range") || !strcmp(s->op, "splice-out")) &&
        s->na >= 2 && (s->a[0] + s->a[1]) * cb > mx)
      mx = (s->a[0] + s->a[1]) * cb;
    if (!strcmp(s->op, "truncate") && s->na >= 1 && s->a[0] * cb > mx)
      mx = s->a[0] * cb;
    if (!strcmp(s->op, "append") && s->na >= 1)
      grow += s->a[0] * cb; /* at the end, wherever that is by then */
  }
  mx += grow;
  return (mx + PG - 1) / PG;
}

/* the reply to a read of a pipe or the socket: "ok read" and the cells */
static void print_read(const char *buf, long bytes) {
  printf("ok read");
  print_cells(buf, bytes);
  printf("\n");
}

static void arity(struct step *s, int n) {
  if (s->na < n) die("step %s needs %d arguments", s->op, n);
}

/* the steps that work on the file (an fd of it or a mapping): none is possible after unlink */
static int uses_file(const char *op) {
  static const char *const pipe_or_memory[] = {
      "vmsplice", "user-store", "user-unmap", "user-dontneed", "pipe-write",
      "pipe-read", "socket-read", "pipe-splice", "tee"};
  for (size_t i = 0; i < sizeof pipe_or_memory / sizeof pipe_or_memory[0]; i++)
    if (!strcmp(op, pipe_or_memory[i])) return 0;
  return 1;
}

/* Whether bytes [off, off + len) of the file are inside EOF and the mappings;
 * if not, says why (`skip EOF`: a store or fault there raises SIGBUS or
 * EFAULT, a step the model does not take; `skip MAPPING`) */
static int in_mapping(long off, long len) {
  if (off + len > file_size()) {
    printf("skip EOF\n");
    return 0;
  }
  if (off + len > maplen) {
    printf("skip MAPPING\n");
    return 0;
  }
  return 1;
}

/* One handler per operation: it takes the step (its arguments in cells, cb
 * bytes a cell) and either replies itself (a read's cells, a skip) and
 * returns REPLIED, or returns the system call's result, errno set when it is
 * negative, for run_step's "ok N" or "err E". */
#define REPLIED (-2)

typedef ssize_t (*op_handler)(struct step *s, long cb);

static ssize_t op_unlink(struct step *s, long cb) {
  (void)s;
  (void)cb;
  /* the scratch file was unlinked when it was created: what is left is to
   * let go of every reference, so the inode is evicted (its folios leave
   * the page cache; the pipes keep theirs) */
  munmap(map, maplen);
  munmap(pmap, maplen);
  ssize_t r = close(fd);
  fd = -1;
  unlinked = 1;
  return r;
}

static ssize_t op_splice_out(struct step *s, long cb) {
  arity(s, 2);
  loff_t off = s->a[0] * cb;
  ssize_t r = splice(p0[0], NULL, fd, &off, s->a[1] * cb, SPLICE_F_NONBLOCK);
  if (r <= 0) return r;
  /* the reply is what it wrote, read back from the file (as a pipe read's) */
  char *buf = malloc(r + 1);
  ssize_t got = pread(fd, buf, r, s->a[0] * cb);
  print_read(buf, got > 0 ? got : 0);
  free(buf);
  return REPLIED;
}

/* a store of one cell through a mapping of the file */
static ssize_t store_mapped(struct step *s, long cb, char *mapping) {
  arity(s, 2);
  long off = s->a[0] * cb;
  if (!in_mapping(off, cb)) return REPLIED;
  memset(mapping + off, (int)s->a[1], cb);
  return cb;
}

static ssize_t op_mmap_private_store(struct step *s, long cb) {
  return store_mapped(s, cb, pmap);
}

static ssize_t op_mmap_store(struct step *s, long cb) {
  return store_mapped(s, cb, map);
}

/* len bytes of value written to `to`: pwrite at `off` when `at` is 1, else write; errno kept */
static ssize_t write_filled(int to, long len, int value, int at, long off) {
  char *buf = malloc(len + 1);
  memset(buf, value, len);
  ssize_t r = at ? pwrite(to, buf, len, off) : write(to, buf, len);
  int e = errno;
  free(buf);
  errno = e;
  return r;
}

static ssize_t op_write(struct step *s, long cb) {
  arity(s, 3);
  return write_filled(fd, s->a[1] * cb, (int)s->a[2], 1, s->a[0] * cb);
}

/* a second fd of the scratch file (it is unlinked: reopened through /proc/self/fd) */
static int reopen(int flags, const char *what) {
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  int f = open(self, flags | O_CLOEXEC);
  if (f < 0) die("open %s: %s", what, strerror(errno));
  return f;
}

static ssize_t op_direct_write(struct step *s, long cb) {
  arity(s, 3);
  long len = s->a[1] * cb;
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  /* a file system without O_DIRECT (tmpfs before 6.6) refuses the open: the step fails with EINVAL */
  int dfd = open(self, O_RDWR | O_DIRECT | O_CLOEXEC);
  if (dfd < 0 && errno == EINVAL) return -1;
  if (dfd < 0) die("open O_DIRECT: %s", strerror(errno));
  void *p;
  if (posix_memalign(&p, PG, len)) die("posix_memalign: out of memory");
  char *buf = p;
  memset(buf, (int)s->a[2], len);
  ssize_t r = pwrite(dfd, buf, len, s->a[0] * cb);
  int e = errno;
  free(buf);
  close(dfd);
  errno = e;
  return r;
}

static ssize_t op_copy_file_range(struct step *s, long cb) {
  arity(s, 3);
  long len = s->a[1] * cb;
  if (ftruncate(gfd, 0)) die("ftruncate source: %s", strerror(errno));
  char *buf = malloc(len + PG);
  memset(buf, (int)s->a[2], len + PG);
  if (pwrite(gfd, buf, len + PG, 0) != len + PG) die("pwrite source: %s", strerror(errno));
  free(buf);
  loff_t in = 0, out = s->a[0] * cb;
  return copy_file_range(gfd, &in, fd, &out, len, 0);
}

/* the model's file never outgrows its bounds (pages P): a step that would
 * grow it past them to `end` bytes is a step the model does not take */
static int past_bounds(long end) {
  if (mappages > 0 && end > (long)mappages * PG) {
    printf("skip BOUNDS\n");
    return 1;
  }
  return 0;
}

static ssize_t op_append(struct step *s, long cb) {
  /* write(2) on a second fd opened O_APPEND */
  arity(s, 2);
  long len = s->a[0] * cb;
  if (past_bounds(file_size() + len)) return REPLIED;
  int afd = reopen(O_WRONLY | O_APPEND, "O_APPEND");
  ssize_t r = write_filled(afd, len, (int)s->a[1], 0, 0);
  int e = errno;
  close(afd);
  errno = e;
  return r;
}

static ssize_t op_fpos_write(struct step *s, long cb) {
  /* write(2) on the scratch fd itself, at its position (only fpos-write moves it) */
  arity(s, 2);
  long len = s->a[0] * cb;
  if (past_bounds(lseek(fd, 0, SEEK_CUR) + len)) return REPLIED;
  return write_filled(fd, len, (int)s->a[1], 0, 0);
}

static ssize_t op_fallocate_punch(struct step *s, long cb) {
  arity(s, 2);
  return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, s->a[0] * cb, s->a[1] * cb);
}

static ssize_t op_fallocate_zero(struct step *s, long cb) {
  arity(s, 2);
  return fallocate(fd, FALLOC_FL_ZERO_RANGE, s->a[0] * cb, s->a[1] * cb);
}

static ssize_t op_fallocate_collapse(struct step *s, long cb) {
  arity(s, 2);
  return fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, s->a[0] * cb, s->a[1] * cb);
}

static ssize_t op_fallocate_insert(struct step *s, long cb) {
  arity(s, 2);
  if (past_bounds(file_size() + s->a[1] * cb)) return REPLIED;
  return fallocate(fd, FALLOC_FL_INSERT_RANGE, s->a[0] * cb, s->a[1] * cb);
}

static ssize_t op_truncate(struct step *s, long cb) {
  arity(s, 1);
  return ftruncate(fd, s->a[0] * cb);
}

static ssize_t op_splice(struct step *s, long cb) {
  arity(s, 2);
  loff_t off = s->a[0] * cb;
  unsigned fl = SPLICE_F_NONBLOCK | (s->na >= 3 && s->a[2] ? SPLICE_F_MOVE : 0);
  return splice(fd, &off, p0[1], NULL, s->a[1] * cb, fl);
}

/* whether user page `page` exists; if not, says so (`skip NOPAGE`) */
static int user_page(long page) {
  if (page < 0 || page >= userpages) {
    printf("skip NOPAGE\n");
    return 0;
  }
  return 1;
}

static ssize_t op_vmsplice(struct step *s, long cb) {
  (void)cb;
  /* source (third argument): 0 the anonymous user pages, 1 the MAP_SHARED
   * and 2 the MAP_PRIVATE mapping of the file, page a[0] of it */
  arity(s, 1);
  long source = s->na >= 3 ? s->a[2] : 0;
  unsigned char *base = user;
  if (source == 0 && !user_page(s->a[0])) return REPLIED;
  if (source != 0) {
    if (unlinked) {
      printf("skip UNLINKED\n");
      return REPLIED;
    }
    /* past the page that holds EOF the fault fails (EFAULT): the model takes no such step */
    if (!in_mapping(s->a[0] * PG, 1)) return REPLIED;
    base = (unsigned char *)(source == 1 ? map : pmap);
  }
  struct iovec iov = {base + s->a[0] * PG, PG};
  unsigned fl = SPLICE_F_NONBLOCK | (s->na >= 2 && s->a[1] ? SPLICE_F_GIFT : 0);
  return vmsplice(p0[1], &iov, 1, fl);
}

static ssize_t op_user_store(struct step *s, long cb) {
  arity(s, 3);
  if (s->a[0] < 0 || s->a[0] >= userpages || s->a[1] < 0 || s->a[1] >= cells) {
    printf("skip NOPAGE\n");
    return REPLIED;
  }
  memset(user + s->a[0] * PG + s->a[1] * cb, (int)s->a[2], cb);
  return cb;
}

static ssize_t op_user_unmap(struct step *s, long cb) {
  (void)cb;
  arity(s, 1);
  if (!user_page(s->a[0])) return REPLIED;
  unsigned char *page = user + s->a[0] * PG;
  if (munmap(page, PG)) return -1;
  /* a fresh page at the same address, not touched: it reads through the zero page */
  return mmap(page, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
                 (void *)page
             ? 0
             : -1;
}

static ssize_t op_user_dontneed(struct step *s, long cb) {
  (void)cb;
  arity(s, 1);
  if (!user_page(s->a[0])) return REPLIED;
  return madvise(user + s->a[0] * PG, PG, MADV_DONTNEED);
}

static ssize_t op_pipe_write(struct step *s, long cb) {
  arity(s, 2);
  return write_filled(p0[1], s->a[0] * cb, (int)s->a[1], 0, 0);
}

static ssize_t op_pipe_read(struct step *s, long cb) {
  arity(s, 1);
  long len = s->a[0] * cb;
  int which = s->na >= 2 ? (int)s->a[1] : 0;
  char *buf = malloc(len + 1);
  ssize_t r = read(which ? p1[0] : p0[0], buf, len);
  int e = errno;
  if (r >= 0) print_read(buf, r);
  free(buf);
  errno = e;
  return r >= 0 ? REPLIED : r;
}

static ssize_t op_sendfile(struct step *s, long cb) {
  arity(s, 2);
  long off = s->a[0] * cb, end = off + s->a[1] * cb, size = file_size(), pos = off;
  if (end > size) end = size;
  for (int room = qslots - nsq; pos < end && room > 0; room--) {
    long part = PG - pos % PG < end - pos ? PG - pos % PG : end - pos;
    pos += part;
  }
  off_t o = off;
  ssize_t r = pos > off ? sendfile(sv[0], fd, &o, pos - off) : 0;
  for (long p = off; r > 0 && p < off + r && nsq < 64;) {
    long part = PG - p % PG < off + r - p ? PG - p % PG : off + r - p;
    sq[nsq++] = part;
    p += part;
  }
  return r;
}

static ssize_t op_socket_read(struct step *s, long cb) {
  arity(s, 1);
  long len = s->a[0] * cb;
  char *buf = malloc(len + 1);
  ssize_t r = recv(sv[1], buf, len, MSG_DONTWAIT);
  int e = errno;
  if (r >= 0) {
    for (long left = r; left > 0 && nsq > 0;) {
      long take = sq[0] < left ? sq[0] : left;
      sq[0] -= take;
      left -= take;
      if (sq[0] == 0) memmove(sq, sq + 1, --nsq * sizeof sq[0]);
    }
    print_read(buf, r);
  }
  free(buf);
  errno = e;
  return r >= 0 ? REPLIED : r;
}

static ssize_t op_pipe_splice(struct step *s, long cb) {
  arity(s, 1);
  return splice(p0[0], NULL, p1[1], NULL, s->a[0] * cb, SPLICE_F_NONBLOCK);
}

static ssize_t op_tee(struct step *s, long cb) {
  arity(s, 1);
  return tee(p0[0], p1[1], s->a[0] * cb, SPLICE_F_NONBLOCK);
}

static ssize_t op_writeback(struct step *s, long cb) {
  (void)cb;
  arity(s, 1);
  return sync_file_range(fd, s->a[0] * PG, PG,
                         SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
}

static ssize_t op_evict(struct step *s, long cb) {
  (void)cb;
  arity(s, 1);
  errno = posix_fadvise(fd, s->a[0] * PG, PG, POSIX_FADV_DONTNEED);
  ssize_t r = errno ? -1 : 0;
  /* DONTNEED starts (async) writeback of a dirty folio but cannot drop it;
   * wait for that writeback so the resulting state (clean, still cached)
   * does not depend on timing. Starts no I/O of its own. */
  if (r == 0) sync_file_range(fd, s->a[0] * PG, PG, SYNC_FILE_RANGE_WAIT_AFTER);
  return r;
}

static ssize_t op_fdatasync(struct step *s, long cb) {
  (void)s;
  (void)cb;
  return fdatasync(fd);
}

/* the operations by name (the protocol's names, as at the top of this file) */
static const struct {
  const char *name;
  op_handler run;
} operations[] = {
    {"unlink", op_unlink},
    {"splice-out", op_splice_out},
    {"mmap-private-store", op_mmap_private_store},
    {"write", op_write},
    {"direct-write", op_direct_write},
    {"copy-file-range", op_copy_file_range},
    {"append", op_append},
    {"fpos-write", op_fpos_write},
    {"mmap-store", op_mmap_store},
    {"fallocate-punch", op_fallocate_punch},
    {"fallocate-zero", op_fallocate_zero},
    {"fallocate-collapse", op_fallocate_collapse},
    {"fallocate-insert", op_fallocate_insert},
    {"truncate", op_truncate},
    {"splice", op_splice},
    {"vmsplice", op_vmsplice},
    {"user-store", op_user_store},
    {"user-unmap", op_user_unmap},
    {"user-dontneed", op_user_dontneed},
    {"pipe-write", op_pipe_write},
    {"pipe-read", op_pipe_read},
    {"sendfile", op_sendfile},
    {"socket-read", op_socket_read},
    {"pipe-splice", op_pipe_splice},
    {"tee", op_tee},
    {"writeback", op_writeback},
    {"evict", op_evict},
    {"fdatasync", op_fdatasync},
};

static void run_step(struct step *s) {
  long cb = cellbytes();
  if (unlinked && uses_file(s->op)) {
    printf("skip UNLINKED\n");
    return;
  }
  for (size_t i = 0; i < sizeof operations / sizeof operations[0]; i++) {
    if (strcmp(s->op, operations[i].name)) continue;
    ssize_t r = operations[i].run(s, cb);
    if (r == REPLIED) return;
    if (r < 0) printf("err %s\n", ename(errno));
    else printf("ok %ld\n", (long)r);
    return;
  }
  die("unknown op '%s'", s->op);
}

/* the final folios, size and contents of the file (it must still be open) */
static void print_final_file(void) {
  report_folios("");
  long size = file_size();
  printf("size %ld\n", size / cellbytes());
  char *buf = calloc(size + 1, 1);
  long got = 0;
  while (got < size) {
    ssize_t r = pread(fd, buf + got, size - got, got);
    if (r <= 0) break;
    got += r;
  }
  printf("file");
  print_cells(buf, got);
  printf("\n");
  free(buf);
}

int main(int argc, char **argv) {
  const char *dir = getenv("TMPDIR");
  int probe = 0;
  if (!dir || !*dir) dir = "/tmp";
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--fs") && i + 1 < argc) dir = argv[++i];
    else if (!strcmp(argv[i], "--probe")) probe = 1;
    else if (!strcmp(argv[i], "--help")) {
      printf("usage: pipecheck-oracle [--fs DIR] [--probe] < trace\n");
      return 0;
    } else {
      printf("error unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!probe) parse();
  make_scratch(dir);
  if (probe) return do_probe();

  if (pipe2(p0, O_NONBLOCK | O_CLOEXEC) || pipe2(p1, O_NONBLOCK | O_CLOEXEC))
    die("pipe: %s", strerror(errno));
  if (slots > 0) {
    int r0 = fcntl(p0[1], F_SETPIPE_SZ, slots * PG);
    int r1 = fcntl(p1[1], F_SETPIPE_SZ, slots * PG);
    if (r0 < 0 || r1 < 0) printf("probe setpipe-err %s\n", ename(errno));
  }
  printf("probe slots %d\n", fcntl(p0[1], F_GETPIPE_SZ) / (int)PG);
  qslots = fcntl(p0[1], F_GETPIPE_SZ) / (int)PG;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) die("socketpair: %s", strerror(errno));
  /* room for everything a trace sends: the model's queue, not the socket's buffer, is the bound */
  int sndbuf = 16 << 20;
  if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf))
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  if (userpages > 0) {
    user = mmap(NULL, userpages * PG, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (user == MAP_FAILED) die("mmap user: %s", strerror(errno));
    for (int i = 0; i < userpages; i++)
      if (userset[i]) fill_cells((char *)user + i * PG, usercells[i], cells);
      else memset(user + i * PG, 0, PG);
  }
  build_initial();
  long mp = mappages > 0 ? mappages : max_extent_pages();
  if (mp < 1) mp = 1;
  maplen = mp * PG;
  map = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) die("mmap file: %s", strerror(errno));
  pmap = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (pmap == MAP_FAILED) die("mmap file private: %s", strerror(errno));

  for (int i = 0; i < nsteps; i++) {
    run_step(&steps[i]);
    if (tracing && !unlinked) report_folios("after ");
    else if (tracing) printf("after unlinked\n");
  }

  if (unlinked) printf("unlinked\n");
  else print_final_file();
  int n0 = 0, n1 = 0, ns = 0;
  ioctl(p0[0], FIONREAD, &n0);
  ioctl(p1[0], FIONREAD, &n1);
  ioctl(sv[1], FIONREAD, &ns);
  printf("pipe %d %d %d\n", n0, n1, ns);
  if (!kpf_ok) printf("probe kpageflags 0\n");
  printf("done\n");
  return 0;
}
