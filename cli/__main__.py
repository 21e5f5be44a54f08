from cli import main

# Guarded: a build spawns worker processes, which import the main module again.
if __name__ == "__main__":
    main()
