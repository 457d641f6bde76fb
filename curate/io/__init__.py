"""Reading and writing dataset files and run artefacts."""
