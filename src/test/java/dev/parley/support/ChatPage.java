package dev.parley.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web client in one headless browser, driven the way a person would: fields found by their
 * labels, buttons by their text. Every wait is explicit and bounded.
 */
public final class ChatPage implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(30);

    private final Path profile;
    private final ChromeDriver driver;
    private final URI page;

    public ChatPage(URI page, int width, int height) {
        try {
            this.profile = Files.createTempDirectory("parley-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.page = page;
        this.driver = Browsers.open(profile, width, height);
        driver.get(page.toString());
    }

    public WebDriver driver() {
        return driver;
    }

    public URI page() {
        return page;
    }

    /** Waits, polling often, until {@code condition} gives something other than null or false. */
    public <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(50))
                .withMessage(what)
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** Clicks what {@code where} finds, finding it again if a live update re-drew it meanwhile. */
    public void click(By where) {
        await("click " + where, d -> {
            d.findElement(where).click();
            return true;
        });
    }

    /** The form control whose label reads {@code label}: checks the label is really tied to it. */
    public WebElement field(String label) {
        WebElement tag = driver.findElement(By.xpath("//label[normalize-space()='" + label + "']"));
        return driver.findElement(By.id(tag.getAttribute("for")));
    }

    public WebElement button(String text) {
        return driver.findElements(By.xpath("//button[normalize-space()='" + text + "']")).stream()
                .filter(WebElement::isDisplayed)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no visible button " + text));
    }

    public void signUp(String username, String password) {
        field("Username").sendKeys(username);
        field("Password").sendKeys(password);
        button("Create account").click();
        awaitState("Online");
    }

    public String state() {
        return driver.findElement(By.id("connection")).getText();
    }

    public void awaitState(String text) {
        await("connection state " + text, d -> state().contains(text));
    }

    public void createRoom(String name) {
        createRoom(name, false);
    }

    public void createRoom(String name, boolean isPrivate) {
        unfold("New room");
        field("Room name").sendKeys(name);
        driver.findElement(By.xpath("//label[normalize-space()='" + (isPrivate ? "Private" : "Public") + "']/input"))
                .click();
        button("Create room").click();
        awaitRoomTitle(name);
    }

    /** Opens a folded section of the sidebar, afresh if it was open (opening it reloads its list). */
    public void unfold(String summary) {
        WebElement section = driver.findElement(By.xpath("//summary[normalize-space()='" + summary + "']"));
        if (section.findElement(By.xpath("..")).getAttribute("open") != null) {
            section.click();
        }
        section.click();
    }

    /** How many members the public-rooms list says a room has, as the user reads it. */
    public String publicRoomCount(String name) {
        unfold("Browse public rooms");
        return await(
                "room " + name + " offered",
                d -> d
                        .findElements(By.xpath("//ul[@id='public-rooms']/li[button[@aria-label='Join " + name
                                + "']]/span[contains(@class,'count')]"))
                        .stream()
                        .map(WebElement::getText)
                        .findFirst()
                        .orElse(null));
    }

    public void joinPublicRoom(String name) {
        unfold("Browse public rooms");
        // opening the list fetches the rooms again and re-draws it: find the button again if so
        click(By.cssSelector("#public-rooms button[aria-label='Join " + name + "']"));
        awaitRoomTitle(name);
    }

    /** Waits for a room in the user's list (it may arrive by a room_added frame) and opens it. */
    public void openRoom(String title) {
        await(
                        "room " + title + " listed",
                        d -> d
                                .findElements(
                                        By.xpath("//ul[@id='my-rooms']//button[.//span[@class='room-name' and text()='"
                                                + title + "']]"))
                                .stream()
                                .findFirst()
                                .orElse(null))
                .click();
        awaitRoomTitle(title);
    }

    /** The unread badge of a room in the list; 0 when there is none. */
    public int unread(String title) {
        Object count = script("""
                const name = [...document.querySelectorAll('#my-rooms .room-name')].find(e => e.textContent === arguments[0]);
                const badge = name && name.parentElement.querySelector('.unread');
                return badge ? Number(badge.textContent) : 0""", title);
        return ((Number) count).intValue();
    }

    public void awaitRoomTitle(String name) {
        await(
                "room " + name + " open",
                d -> name.equals(d.findElement(By.id("room-title")).getText()));
        await("the composer enabled", d -> field("Message").isEnabled());
    }

    public void send(String text) {
        WebElement message = field("Message");
        message.sendKeys(text);
        button("Send").click();
    }

    /** The contents of the stored messages in the log, in the order shown. */
    public List<String> messages() {
        return texts("#messages li[data-seq] .content");
    }

    /** The contents of own messages the server has not confirmed yet. */
    public List<String> pending() {
        return texts("#messages li.pending .content");
    }

    /** Who each stored message with this content is shown as sent by: the name, and the handle when one shows. */
    public List<String> senders(String content) {
        @SuppressWarnings("unchecked")
        List<String> senders = (List<String>) script("""
                return [...document.querySelectorAll('#messages li[data-seq]')]
                    .filter(li => li.querySelector('.content')?.textContent === arguments[0])
                    .map(li => [...li.querySelectorAll('.sender, .handle')].map(e => e.textContent).join(' '))""", content);
        return senders;
    }

    public List<String> texts(String css) {
        @SuppressWarnings("unchecked")
        List<String> texts = (List<String>)
                script("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css);
        return texts;
    }

    public void awaitMessage(String content) {
        await("message " + content, d -> messages().contains(content));
    }

    public String typing() {
        return driver.findElement(By.id("typing")).getText();
    }

    /** The assistant's reply while it streams, or why it failed; empty otherwise. */
    public String assistantReply() {
        return driver.findElement(By.id("assistant-reply")).getText();
    }

    public String online() {
        return driver.findElement(By.id("online")).getText();
    }

    public Object script(String code, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(code, args);
    }

    /** What the browser does when the network goes away and comes back. */
    public void networkLost() {
        script("window.dispatchEvent(new Event('offline'))");
    }

    public void networkBack() {
        script("window.dispatchEvent(new Event('online'))");
    }

    /** Console entries at SEVERE (script errors, refused resources) since the last call. */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    public byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind is no reason to fail a test
            }
        }
    }
}
