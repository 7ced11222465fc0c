/*
 * backup-punch: the seed thread's bug on a real kernel. A backup thread
 * splices a file into a pipe (zero copy: the pipe now references the file's
 * page-cache folio), then another thread changes the file, then the backup
 * thread reads the pipe. A pipe is supposed to hold what was spliced; on
 * Linux it holds a reference to the page, so the reader sees the change.
 *
 *   ./backup-punch FILE [punch|pwrite]
 *
 * punch (the default): fallocate(PUNCH_HOLE|KEEP_SIZE) the first page;
 *   Whitlock's lost backups: the reader "saw zeros".
 * pwrite: pwrite 'B' over the first page; Wilcox's reproducer: the reader
 *   "saw new data".
 *
 * Two barriers order the threads (futexes, which the strace filter of
 * examples/backup-punch/README.md does not show): splice, then change, then
 * read. Exit 0 when the reader saw what was spliced, 1 when it did not.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096

static int file_fd, pipe_fds[2];
static int use_pwrite;
static pthread_barrier_t spliced, changed;

static void die(const char *what) {
  perror(what);
  exit(2);
}

/* The backup: splice page 0 into the pipe, let the other thread run, read the pipe. */
static void *backup(void *arg) {
  (void)arg;
  static char got[PAGE];
  loff_t off = 0;
  if (splice(file_fd, &off, pipe_fds[1], NULL, PAGE, 0) != PAGE) die("splice");
  pthread_barrier_wait(&spliced);
  pthread_barrier_wait(&changed);
  if (read(pipe_fds[0], got, PAGE) != PAGE) die("read");
  if (got[0] == 'A' && got[PAGE - 1] == 'A') printf("saw what was spliced ('A')\n");
  else if (got[0] == 0 && got[PAGE - 1] == 0) printf("saw zeros\n");
  else printf("saw new data ('%c')\n", got[0]);
  return (void *)(long)(got[0] != 'A');
}

/* The other thread: once page 0 is in the pipe, punch it out of the file or overwrite it. */
static void *changer(void *arg) {
  (void)arg;
  static char b[PAGE];
  pthread_barrier_wait(&spliced);
  if (use_pwrite) {
    memset(b, 'B', PAGE);
    if (pwrite(file_fd, b, PAGE, 0) != PAGE) die("pwrite");
  } else if (fallocate(file_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, PAGE) != 0) {
    die("fallocate");
  }
  pthread_barrier_wait(&changed);
  return NULL;
}

int main(int argc, char **argv) {
  static char a[2 * PAGE];
  if (argc < 2 || (argc == 3 && strcmp(argv[2], "punch") != 0 && strcmp(argv[2], "pwrite") != 0) || argc > 3) {
    fprintf(stderr, "usage: %s FILE [punch|pwrite]\n", argv[0]);
    return 2;
  }
  use_pwrite = argc == 3 && strcmp(argv[2], "pwrite") == 0;
  /* The file: created empty, then 2 pages of 'A' in one write (one large folio on ext4). */
  file_fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (file_fd < 0) die("open");
  memset(a, 'A', sizeof a);
  if (write(file_fd, a, sizeof a) != sizeof a) die("write");
  if (pipe(pipe_fds) != 0) die("pipe");
  pthread_barrier_init(&spliced, NULL, 2);
  pthread_barrier_init(&changed, NULL, 2);
  pthread_t t1, t2;
  void *changed_data;
  if (pthread_create(&t1, NULL, backup, NULL) != 0 || pthread_create(&t2, NULL, changer, NULL) != 0) die("pthread");
  pthread_join(t2, NULL);
  pthread_join(t1, &changed_data);
  return changed_data ? 1 : 0;
}
