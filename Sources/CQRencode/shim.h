// Debian's libqrencode (libqrencode-dev): draws the QR code of the otpauth:// URI shown at
// enrolment. Only QRcode_encodeString8bit and QRcode_free are used.
#include <qrencode.h>
