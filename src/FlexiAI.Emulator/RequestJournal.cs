namespace FlexiAI.Emulator;

/// <summary>What an emulated instance received, oldest first, for test assertions. Thread-safe.</summary>
public sealed class RequestJournal
{
    private readonly object _gate = new();
    private readonly Queue<JournalEntry> _entries = new();
    private readonly int _capacity;
    private long _total;

    internal RequestJournal(int capacity) => _capacity = Math.Max(1, capacity);

    /// <summary>Gets how many requests arrived since the last <see cref="Clear"/> (including those dropped beyond the capacity).</summary>
    public int Count => (int)Interlocked.Read(ref _total);

    /// <summary>Gets a snapshot of the kept entries, oldest first.</summary>
    public IReadOnlyList<JournalEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Gets the latest entry, or <see langword="null"/>.</summary>
    public JournalEntry? Last
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count == 0 ? null : _entries.Last();
            }
        }
    }

    /// <summary>Forgets every entry.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _total, 0);
        }
    }

    internal void Add(JournalEntry entry)
    {
        lock (_gate)
        {
            if (_entries.Count >= _capacity)
            {
                _entries.Dequeue();
            }

            _entries.Enqueue(entry);
            Interlocked.Increment(ref _total);
        }
    }
}
