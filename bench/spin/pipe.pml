/*
 * pipecheck's reference semantics in Promela, for the bench's side-by-side
 * question (issue 9): kernel `copy` (or `linux` with -DLINUX), the operations
 * write, mmap-store, fallocate-punch, truncate, splice, vmsplice, user-store,
 * pipe-write, pipe-read, writeback, evict, the default bounds (pages 2,
 * cells 2, values 2, slots 2, folioPages 1, userPages 1), the ext4 profile,
 * one free environment, DEPTH steps (6 unless -DDEPTH=N).
 *
 *   spin -a [-DLINUX] [-DDEPTH=N] pipe.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan -E -n
 *   (-E: a process at the depth bound is not a deadlock; for shortest traces
 *   spin -DNOHIDDEN -a ... and gcc -DBFS ...)
 *
 * It follows model/ops/*.ts, model/pagecache.ts, model/pipe.ts and
 * model/kernels/policies.ts line by line where it can, and is simpler than
 * pipecheck's model in these ways, none meant to change what the two
 * invariants say under these bounds (bench/spin.test.ts checks that both
 * models give the same verdicts, and the same shortest violation under
 * linux, at depth 3):
 *
 * - Folios are order 0 (folioPages 1), so a page-cache folio is a page: no
 *   splitting, no dirty masks, no folio table. A pipe buffer holds its own
 *   private page (kind K_PRIVATE), or, under -DLINUX only, a reference to a
 *   cached file page (K_FILE) or to the user page (K_USER). When a referenced
 *   file page leaves the page cache, the buffers referencing it take a copy
 *   of its cells (nothing can change a folio outside the cache, so a copy and
 *   the shared old folio read the same); pipecheck keeps the one old folio.
 *   Hence no folio numbering to canonicalize, and no reference counts: evict
 *   counts the buffers that reference the page.
 * - One pipe: no tee, no second pipe, no splice(pipe -> pipe) (the eleven
 *   operations do not need them); pipe-read's `pipe` argument is always 0.
 * - splice's SPLICE_F_MOVE and (under copy) vmsplice's SPLICE_F_GIFT are not
 *   enumerated: neither changes the state under copy (nor MOVE under linux),
 *   so they add transitions to pipecheck's search, not states.
 * - Readahead is the ext4 profile's, reduced to what it does with 2 pages: a
 *   miss at page 0 caches every page up to EOF, a miss at page 1 caches page 1
 *   (loadPage), and a fault caches the whole file (faultPage).
 * - No pipe-fifo or no-use-after-free assert, no cost counters: only
 *   data-stability (pipe-read) and file-integrity (after every step).
 * - The step counter is part of the state, so SPIN counts (state, steps so
 *   far) pairs where pipecheck's breadth-first search counts distinct states
 *   (and pan's depth-first search stays exhaustive within the bound: a state
 *   reached again with fewer steps is a new state). Each step is one atomic
 *   sequence (select its arguments, then one d_step), whose intermediate
 *   states pan does not store.
 *
 * A step that pipecheck refuses (a full pipe, an empty read, a store past
 * EOF) ends its atomic sequence where it began: the same state, so SPIN
 * matches it and it adds a transition, never a state.
 */

#define P 2
#define C 2
#define NC 4 /* P * C: cells of the largest file */
#define V 2
#define S 2
#ifndef DEPTH
#define DEPTH 6
#endif

#define K_PRIVATE 0
#define K_FILE 1
#define K_USER 2
#define B_CAN_MERGE 1
#define B_GIFT 2

byte step; /* steps taken: the depth bound */

/* The file: size in cells, disk per cell, the page cache per page, the ghost (POSIX) contents. */
byte size;
byte disk[NC];
byte pc[NC];
bool cached[P];
bool uptodate[P];
bool dirty[P];
bool mapped[P];
byte logical[NC];

/* The process's one user page (vmsplice source). */
byte user[C];

/* One pipe: a ring of S slots, each a buffer (its page, offset, length, flags) and its ghost cells. */
byte tail;
byte count;
byte kind[S];
byte sref[S];
byte soff[S];
byte slen[S];
byte sflags[S]; /* persist in the ring when a slot is freed, as in the kernel */
byte scell[S * C];
byte sghost[S * C];

/* The step's arguments, chosen before its d_step and zero between steps. */
byte a_off;
byte a_len;
byte a_val;
bool a_gift;

/*
 * Temporaries of one d_step: hidden (not part of the state), except with
 * -DNOHIDDEN, which pan's -DBFS needs: then endStep zeroes them.
 */
#ifdef NOHIDDEN
#define TEMP
#else
#define TEMP hidden
#endif
TEMP byte i, k, q, pos, end, pg, sl, part, rest, first, last, lim;
TEMP byte hole, partial;

/* The two invariants; -DNO_DATA_STABILITY or -DNO_FILE_INTEGRITY leaves one out. */
#ifdef NO_DATA_STABILITY
#define DATA_STABILITY(e) skip
#else
#define DATA_STABILITY(e) assert(e)
#endif
#ifdef NO_FILE_INTEGRITY
#define FILE_INTEGRITY(e) skip
#else
#define FILE_INTEGRITY(e) assert(e)
#endif

#define PAGES_IN_FILE(n) (((n) + C - 1) / C)
#define SLOTCELL(b, c) (kind[b] == K_PRIVATE -> scell[(b) * C + (c)] : (kind[b] == K_FILE -> pc[sref[b] * C + (c)] : user[c]))

/* createCachedFolio: an order-0 folio for page p, filled from disk, clean and uptodate. */
inline createCached(p) {
  k = 0;
  do
  :: k < C -> pc[p * C + k] = disk[p * C + k]; k++
  :: else -> break
  od;
  cached[p] = 1; uptodate[p] = 1; dirty[p] = 0; mapped[p] = 0
}

/* loadOrder0: cache every uncached page in [first, last]. */
inline loadOrder0() {
  q = first;
  do
  :: q <= last -> if :: !cached[q] -> createCached(q) :: else -> skip fi; q++
  :: else -> break
  od
}

/* loadPage with ext4 readahead at P = 2: a miss at page 0 caches pages 0..EOF, at page 1 page 1. */
inline loadPage(p) {
  if
  :: cached[p] -> uptodate[p] = 1
  :: else -> first = p; last = (p == 0 -> PAGES_IN_FILE(size) - 1 : p); loadOrder0()
  fi
}

/* faultPage: read-around caches the whole (small) file. */
inline faultPage(p) {
  if
  :: cached[p] -> uptodate[p] = 1
  :: else -> first = 0; last = PAGES_IN_FILE(size) - 1; loadOrder0()
  fi
}

/* removeFromCache: buffers referencing the page keep its cells (see the header). */
inline removeFromCache(p) {
  sl = 0;
  do
  :: sl < S ->
     if
     :: kind[sl] == K_FILE && sref[sl] == p ->
        k = 0;
        do
        :: k < C -> scell[sl * C + k] = pc[p * C + k]; k++
        :: else -> break
        od;
        kind[sl] = K_PRIVATE; sref[sl] = 0
     :: else -> skip
     fi;
     sl++
  :: else -> break
  od;
  k = 0;
  do
  :: k < C -> pc[p * C + k] = 0; k++
  :: else -> break
  od;
  cached[p] = 0; uptodate[p] = 0; dirty[p] = 0; mapped[p] = 0
}

/* blockIsHole: an all-zero disk page under no uptodate and no dirty cache page. */
inline blockIsHole(p) {
  hole = !(cached[p] && (uptodate[p] || dirty[p]));
  k = 0;
  do
  :: k < C -> if :: disk[p * C + k] != 0 -> hole = 0 :: else -> skip fi; k++
  :: else -> break
  od
}

/* markPartialPageDirty */
inline markPartialPageDirty(p) {
  blockIsHole(p);
  if :: !hole -> dirty[p] = 1 :: else -> skip fi
}

/* zeroUncachedPartialPage: ext4 reads the block into a not-uptodate folio and zeroes [s0, e0) of it. */
inline zeroUncachedPartialPage(p, s0, e0) {
  createCached(p);
  uptodate[p] = 0;
  hole = 1;
  k = 0;
  do
  :: k < C -> if :: disk[p * C + k] != 0 -> hole = 0 :: else -> skip fi; k++
  :: else -> break
  od;
  if
  :: !hole ->
     k = (s0 > p * C -> s0 : p * C);
     lim = (e0 < (p + 1) * C -> e0 : (p + 1) * C);
     do
     :: k < lim -> pc[k] = 0; k++
     :: else -> break
     od;
     dirty[p] = 1
  :: else -> skip
  fi
}

/* zeroEofBlockTail: before the size grows from n, the tail of the page holding EOF is zeroed. */
inline zeroEofBlockTail(n) {
  if
  :: n % C != 0 ->
     if
     :: !cached[n / C] -> zeroUncachedPartialPage(n / C, n, (n / C + 1) * C)
     :: else -> markPartialPageDirty(n / C)
     fi
  :: else -> skip
  fi
}

/* zeroFileRange(pos, end) for order-0 folios changed in place (copy and linux). */
inline zeroFileRange() {
  if
  :: end > pos ->
     pg = pos / C;
     do
     :: pg <= (end - 1) / C ->
        partial = (pg * C < pos || (pg + 1) * C > end);
        if
        :: !cached[pg] && partial -> zeroUncachedPartialPage(pg, pos, end)
        :: cached[pg] && partial ->
           i = (pos > pg * C -> pos : pg * C);
           lim = (end < (pg + 1) * C -> end : (pg + 1) * C);
           do
           :: i < lim -> pc[i] = 0; i++
           :: else -> break
           od;
           markPartialPageDirty(pg)
        :: else -> skip
        fi;
        pg++
     :: else -> break
     od;
     i = pos / C;
     do
     :: i <= (end - 1) / C ->
        if :: cached[i] && i * C >= pos && (i + 1) * C <= end -> removeFromCache(i) :: else -> skip fi;
        i++
     :: else -> break
     od;
     i = pos;
     do
     :: i < end ->
        if
        :: (i / C * C >= pos && (i / C + 1) * C <= end) || !cached[i / C] -> disk[i] = 0
        :: else -> skip
        fi;
        i++
     :: else -> break
     od
  :: else -> skip
  fi
}

/* pushBuffer at the head of the ring; the caller filled scell for a private page. */
inline pushBuffer(kd, ref, off0, len0, flags0) {
  sl = (tail + count) % S;
  kind[sl] = kd; sref[sl] = ref; soff[sl] = off0; slen[sl] = len0; sflags[sl] = flags0;
  k = 0;
  do
  :: k < len0 -> sghost[sl * C + k] = SLOTCELL(sl, off0 + k); k++
  :: else -> break
  od;
  count++
}

/* writeToPipe of a_len cells: the user page's (vmsplice under copy, a_len = C) or a_val (pipe-write). */
inline writeToPipe(fromUser) {
  sl = (tail + count + S - 1) % S;
  if
  :: count > 0 && a_len < C && (sflags[sl] & B_CAN_MERGE) && soff[sl] + slen[sl] + a_len <= C ->
     k = 0;
     do
     :: k < a_len ->
        scell[sl * C + soff[sl] + slen[sl] + k] = a_val; sghost[sl * C + slen[sl] + k] = a_val; k++
     :: else -> break
     od;
     slen[sl] = slen[sl] + a_len;
     step++
  :: count < S && !(count > 0 && a_len < C && (sflags[sl] & B_CAN_MERGE) && soff[sl] + slen[sl] + a_len <= C) ->
     sl = (tail + count) % S;
     k = 0;
     do
     :: k < C -> scell[sl * C + k] = (k < a_len -> (fromUser -> user[k] : a_val) : 0); k++
     :: else -> break
     od;
     pushBuffer(K_PRIVATE, 0, 0, a_len, B_CAN_MERGE);
     step++
  :: else -> skip /* a full pipe: EAGAIN, not a step */
  fi
}

/* file-integrity: the file reads as its operations say. */
inline fileIntegrity() {
  i = 0;
  do
  :: i < size -> FILE_INTEGRITY((cached[i / C] -> pc[i] : disk[i]) == logical[i]); i++
  :: else -> break
  od
}

inline endStep() {
  fileIntegrity();
  a_off = 0; a_len = 0; a_val = 0; a_gift = 0;
#ifdef NOHIDDEN
  i = 0; k = 0; q = 0; pos = 0; end = 0; pg = 0; sl = 0; part = 0; rest = 0;
  first = 0; last = 0; lim = 0; hole = 0; partial = 0
#endif
}

init {
  d_step {
    size = NC;
    i = 0;
    do
    :: i < NC -> disk[i] = 1; logical[i] = 1; pc[i] = 1; i++
    :: else -> break
    od;
    cached[0] = 1; cached[1] = 1; uptodate[0] = 1; uptodate[1] = 1;
    user[0] = 1; user[1] = 1;
    i = 0
  };
  do
  /* write(off, len, value) */
  :: atomic { step < DEPTH ->
     select(a_off : 0 .. NC - 1); select(a_len : 1 .. NC - a_off); select(a_val : 1 .. V);
     d_step {
       if :: a_off / C > size / C -> zeroEofBlockTail(size) :: else -> skip fi;
       pos = a_off;
       do
       :: pos < a_off + a_len ->
          pg = pos / C;
          if :: !cached[pg] -> createCached(pg) :: else -> skip fi;
          pc[pos] = a_val; logical[pos] = a_val; dirty[pg] = 1; uptodate[pg] = 1;
          pos++
       :: else -> break
       od;
       if :: a_off + a_len > size -> size = a_off + a_len :: else -> skip fi;
       step++;
       endStep()
     } }
  /* mmap-store(off, value); past EOF: SIGBUS, not a step */
  :: atomic { step < DEPTH && size > 0 ->
     select(a_off : 0 .. NC - 1); select(a_val : 1 .. V);
     d_step {
       if
       :: a_off < size ->
          faultPage(a_off / C);
          pc[a_off] = a_val; mapped[a_off / C] = 1; dirty[a_off / C] = 1; logical[a_off] = a_val;
          step++
       :: else -> skip
       fi;
       endStep()
     } }
  /* fallocate-punch(off, len): PUNCH_HOLE | KEEP_SIZE */
  :: atomic { step < DEPTH ->
     select(a_off : 0 .. NC - 1); select(a_len : 1 .. NC - a_off);
     d_step {
       if
       :: a_off < size ->
          pos = a_off;
          end = (a_off + a_len > size -> PAGES_IN_FILE(size) * C : a_off + a_len);
          zeroFileRange();
          i = a_off;
          do
          :: i < a_off + a_len && i < size -> logical[i] = 0; i++
          :: else -> break
          od
       :: else -> skip /* ext4 does nothing from EOF on: a step all the same */
       fi;
       step++;
       endStep()
     } }
  /* truncate(size) (a_off is the new size) */
  :: atomic { step < DEPTH ->
     select(a_off : 0 .. NC);
     d_step {
       if
       :: a_off <= size ->
          pos = a_off; end = NC; zeroFileRange();
          i = a_off;
          do
          :: i < size -> logical[i] = 0; i++
          :: else -> break
          od
       :: else -> zeroEofBlockTail(size)
       fi;
       size = a_off;
       step++;
       endStep()
     } }
  /* splice(file off, len -> pipe): copy packs the data into fresh pages; linux references the page */
  :: atomic { step < DEPTH && count < S && size > 0 ->
     select(a_off : 0 .. NC - 1); select(a_len : 1 .. NC - a_off);
     d_step {
       if
       :: a_off < size ->
          pos = a_off;
          end = (a_off + a_len < size -> a_off + a_len : size);
#ifdef LINUX
          do
          :: pos < end && count < S ->
             pg = pos / C;
             part = (C - pos % C < end - pos -> C - pos % C : end - pos);
             loadPage(pg);
             pushBuffer(K_FILE, pg, pos % C, part, 0);
             pos = pos + part
          :: else -> break
          od;
#else
          do
          :: pos < end && count < S ->
             part = (C < end - pos -> C : end - pos);
             sl = (tail + count) % S;
             i = 0;
             do
             :: i < C ->
                if
                :: i < part -> loadPage((pos + i) / C); scell[sl * C + i] = pc[pos + i]
                :: else -> scell[sl * C + i] = 0
                fi;
                i++
             :: else -> break
             od;
             pushBuffer(K_PRIVATE, 0, 0, part, 0);
             pos = pos + part
          :: else -> break
          od;
#endif
          step++
       :: else -> skip /* at EOF splice returns 0: not a step */
       fi;
       endStep()
     } }
  /* vmsplice(user page -> pipe, gift) */
  :: atomic { step < DEPTH && count < S ->
#ifdef LINUX
     if :: a_gift = 0 :: a_gift = 1 fi;
     d_step {
       pushBuffer(K_USER, 0, 0, C, (a_gift -> B_GIFT : 0));
       step++;
       endStep()
     } }
#else
     d_step {
       a_len = C;
       writeToPipe(1);
       endStep()
     } }
#endif
  /* user-store(page 0, cell, value) (a_off is the cell) */
  :: atomic { step < DEPTH ->
     select(a_off : 0 .. C - 1); select(a_val : 1 .. V);
     d_step {
       user[a_off] = a_val;
       step++;
       endStep()
     } }
  /* pipe-write(len, value), at most a page */
  :: atomic { step < DEPTH ->
     select(a_len : 1 .. C); select(a_val : 1 .. V);
     d_step {
       writeToPipe(0);
       endStep()
     } }
  /* pipe-read(len): data-stability is asserted on every cell the reader gets */
  :: atomic { step < DEPTH && count > 0 ->
     select(a_len : 1 .. S * C);
     d_step {
       step++; /* first, so that `step` is the trace's length when an assert fails */
       rest = a_len;
       do
       :: rest > 0 && count > 0 ->
          sl = tail;
          part = (rest < slen[sl] -> rest : slen[sl]);
          i = 0;
          do
          :: i < part -> DATA_STABILITY(SLOTCELL(sl, soff[sl] + i) == sghost[sl * C + i]); i++
          :: else -> break
          od;
          rest = rest - part;
          if
          :: part == slen[sl] ->
             i = 0;
             do
             :: i < C -> scell[sl * C + i] = 0; sghost[sl * C + i] = 0; i++
             :: else -> break
             od;
             kind[sl] = K_PRIVATE; sref[sl] = 0; soff[sl] = 0; slen[sl] = 0;
             tail = (tail + 1) % S;
             count--
          :: else ->
             i = 0;
             do
             :: i < slen[sl] - part -> sghost[sl * C + i] = sghost[sl * C + i + part]; i++
             :: else -> break
             od;
             do
             :: i < slen[sl] -> sghost[sl * C + i] = 0; i++
             :: else -> break
             od;
             soff[sl] = soff[sl] + part;
             slen[sl] = slen[sl] - part
          fi
       :: else -> break
       od;
       endStep()
     } }
  /* writeback(page) (a_off is the page): a clean or uncached page is a step that changes nothing */
  :: atomic { step < DEPTH ->
     select(a_off : 0 .. P - 1);
     d_step {
       if
       :: cached[a_off] && dirty[a_off] ->
          i = 0;
          do
          :: i < C -> disk[a_off * C + i] = pc[a_off * C + i]; i++
          :: else -> break
          od;
          dirty[a_off] = 0
       :: else -> skip
       fi;
       step++;
       endStep()
     } }
  /* evict(page): posix_fadvise(DONTNEED) drops a clean, unmapped, unreferenced page; writes back a dirty one */
  :: atomic { step < DEPTH ->
     select(a_off : 0 .. P - 1);
     d_step {
       if
       :: cached[a_off] && dirty[a_off] ->
          i = 0;
          do
          :: i < C -> disk[a_off * C + i] = pc[a_off * C + i]; i++
          :: else -> break
          od;
          dirty[a_off] = 0
       :: cached[a_off] && !dirty[a_off] && !mapped[a_off] ->
          rest = 0; /* buffers referencing the page */
          i = 0;
          do
          :: i < count -> if :: kind[(tail + i) % S] == K_FILE && sref[(tail + i) % S] == a_off -> rest++ :: else -> skip fi; i++
          :: else -> break
          od;
          if :: rest == 0 -> removeFromCache(a_off) :: else -> skip fi
       :: else -> skip
       fi;
       step++;
       endStep()
     } }
  od
}
