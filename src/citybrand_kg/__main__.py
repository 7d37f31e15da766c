from citybrand_kg.cli import main

main(prog_name="citybrand-kg")
