# Thin wrappers around the scripts and CMake presets.
.PHONY: demo test bench build clean format tidy
demo:
	./scripts/demo
test:
	./scripts/test
bench:
	./scripts/bench
build:
	cmake --preset release && cmake --build --preset release
format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')
tidy:
	cmake --preset ci >/dev/null && clang-tidy -p build/ci $$(git ls-files 'src/*.cpp' 'apps/*.cpp')
clean:
	rm -rf build out
