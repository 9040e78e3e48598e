namespace VmState.Generators;

public sealed partial class VmStateGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// The <c>__field</c> marker of a save or load method: which entry of the description an error came from, so
        /// that its catch can name it. Fields count 0, 1, ...; the subsections a save writes after them -2, -3, ...;
        /// -1 means none yet. A method with one entry names it with a literal and needs no marker; the hot path pays
        /// one store per field otherwise.
        /// </summary>
        private readonly struct Marks
        {
            private readonly int _fields;
            private readonly int _subsections;

            private Marks(int fields, int subsections)
            {
                _fields = fields;
                _subsections = subsections;
            }

            public static Marks ForSave(int fields, int subsections) => new(fields, subsections);

            // A load reads its subsections after the fields' try, each under its own catch.
            public static Marks ForLoad(int fields) => new(fields, 0);

            /// <summary>There is something to name: the method needs a try.</summary>
            public bool Any => _fields + _subsections > 0;

            /// <summary>
            /// Only subsections, each behind its Needed test: an error before the first one is no subsection's (QEMU
            /// would not even have started it), so the catch lets it pass.
            /// </summary>
            public bool Filtered => _fields == 0 && _subsections > 0;

            private bool Used => _fields + _subsections > 1 || Filtered;

            public void Declare(SourceWriter w)
            {
                if (Used)
                {
                    w.Line($"int __field = {(_fields > 0 ? "0" : "-1")};");
                }
            }

            public void Field(SourceWriter w, int i)
            {
                if (Used && i > 0)
                {
                    w.Line($"__field = {Str(i)};");
                }
            }

            public void Subsection(SourceWriter w, int j)
            {
                if (Used)
                {
                    w.Line($"__field = {Str(-2 - j)};");
                }
            }
        }
    }
}
