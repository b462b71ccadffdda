from docgen.cli import main

# Guarded: worker processes started with "spawn" (Windows, macOS) import this module.
if __name__ == "__main__":
    main()
