# The compiled module behind sqlcipher3; only its file is used (to load its C API with ctypes).
