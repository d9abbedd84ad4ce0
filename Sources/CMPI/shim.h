// The few MPI calls MetaRL makes, as static inline functions: Open MPI's MPI_COMM_WORLD, MPI_BYTE,
// MPI_INT and MPI_IN_PLACE are macros over addresses of library globals, which Swift cannot import.
#include <mpi.h>

static inline int metarl_mpi_init_funneled(void) {
    int provided = 0;
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
}
static inline int metarl_mpi_finalize(void) { return MPI_Finalize(); }
static inline int metarl_mpi_rank(void) { int r = 0; MPI_Comm_rank(MPI_COMM_WORLD, &r); return r; }
static inline int metarl_mpi_size(void) { int s = 1; MPI_Comm_size(MPI_COMM_WORLD, &s); return s; }
static inline int metarl_mpi_abort(int status) { return MPI_Abort(MPI_COMM_WORLD, status); }
/// Every rank's one int, in rank order, into out[size].
static inline int metarl_mpi_allgather_int(int value, int *out) {
    return MPI_Allgather(&value, 1, MPI_INT, out, 1, MPI_INT, MPI_COMM_WORLD);
}
/// Every rank's bytes (counts[r] from rank r), concatenated in rank order at displacements[r].
static inline int metarl_mpi_allgatherv_bytes(const void *send, int count, void *receive,
                                              const int *counts, const int *displacements) {
    return MPI_Allgatherv(send, count, MPI_BYTE, receive, counts, displacements, MPI_BYTE, MPI_COMM_WORLD);
}
