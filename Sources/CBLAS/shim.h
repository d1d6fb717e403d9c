// OpenBLAS through pkg-config `openblas`, which pins the pthread variant's include folder.
#include <cblas.h>
// Not declared in every cblas.h: thread control and the detected kernel's name.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
