// CMemory's one function is inline in include/CMemory.h; SwiftPM wants a source file per C target.
#include "CMemory.h"
