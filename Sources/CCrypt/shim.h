// libxcrypt (Debian's libcrypt-dev): crypt_rn and crypt_gensalt_rn for operator passwords.
#include <crypt.h>
